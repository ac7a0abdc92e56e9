"""Versioned units and the merger queries, checked against facts from the resolution texts."""
import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from survey.db import get_session
from survey.models import AdminUnit, UnitPopulation, UnitSuccession
from survey.units import queries
from survey.units.operations import BUNDLED_DIR, load_paths

LAST_OLD_DAY, FIRST_NEW_DAY = date(2025, 6, 30), date(2025, 7, 1)


@pytest.fixture
def ctx(app, units):
    with app.app_context():
        yield


def test_units_in_force_on_each_side_of_the_reform(ctx):
    levels = ("province", "district", "commune")
    old = [u.level for u in queries.query_units_on(LAST_OLD_DAY)]
    new = [u.level for u in queries.query_units_on(FIRST_NEW_DAY)]
    assert [old.count(level) for level in levels] == [1, 8, 106]
    assert [new.count(level) for level in levels] == [1, 0, 38]
    assert queries.query_units_on(date(2019, 12, 31)) == []


def test_a_reused_code_means_different_units_before_and_after(ctx):
    assert queries.query_unit("03618", LAST_OLD_DAY).name == "Xã Phúc Than"
    assert queries.query_unit("03618", FIRST_NEW_DAY).name == "Xã Mường Than"
    assert queries.query_unit("03388", LAST_OLD_DAY).name == "Phường Quyết Tiến"
    assert queries.query_unit("03388", FIRST_NEW_DAY).name == "Phường Đoàn Kết"


def test_old_muong_than_went_into_than_uyen_not_the_new_muong_than(ctx):
    old_muong_than = queries.query_unit("03619", LAST_OLD_DAY)
    successor = queries.query_successor(old_muong_than)
    assert (successor.code, successor.name) == ("03595", "Xã Than Uyên")
    assert queries.query_successor(queries.query_unit("03618", LAST_OLD_DAY)).code == "03618"
    assert queries.query_successor(queries.query_unit("03618", FIRST_NEW_DAY)) is None


@pytest.mark.parametrize("code, districts", [
    ("03408", ["105", "106"]),          # Phường Tân Phong takes in Nùng Nàng and Bản Giang
    ("03394", ["106", "109"]),          # Sin Suối Hồ: Thèn Sin with Nậm Xe and Sin Suối Hồ
    ("03460", ["107", "112"]),          # Hua Bum: Hua Bun (Nậm Nhùn) with Vàng San (Mường Tè)
    ("03503", ["108", "112"]),          # Pa Tần: Pa Tần (Sìn Hồ) with Nậm Ban, Trung Chải
    ("03595", ["110"]),                 # Than Uyên lies within the former district
])
def test_former_districts_of_a_new_commune(ctx, code, districts):
    unit = queries.query_unit(code, FIRST_NEW_DAY)
    assert [d.code for d in queries.query_former_districts(unit)] == districts


def test_every_old_commune_has_exactly_one_successor(ctx):
    session = get_session()
    assert session.exec(select(func.count()).select_from(UnitSuccession)).one() == 106
    for commune in queries.query_units_on(LAST_OLD_DAY, level="commune"):
        assert queries.query_successor(commune).in_force_on(FIRST_NEW_DAY)


def _census_rows():
    with (BUNDLED_DIR / "lai-chau-population-2019-communes.csv").open(encoding="utf-8") as f:
        return {row["code"]: int(row["population"]) for row in csv.DictReader(f)}


def test_population_sums_through_the_merger_map(ctx):
    # Expected figures come straight from the census and merger files, not from our queries.
    census = _census_rows()
    with (BUNDLED_DIR / "lai-chau-merger-2025.csv").open(encoding="utf-8") as f:
        merger = list(csv.DictReader(f))
    than_uyen = sum(census[r["old_code"]] for r in merger if r["new_code"] == "03595")
    assert queries.query_population(queries.query_unit("03595", FIRST_NEW_DAY)) == than_uyen
    assert queries.query_population(queries.query_unit("12", FIRST_NEW_DAY)) == 460196
    assert queries.query_population(queries.query_unit("12", LAST_OLD_DAY)) == 460196
    assert queries.query_population(queries.query_unit("106", LAST_OLD_DAY)) == 54079
    assert queries.query_population(queries.query_unit("03619", LAST_OLD_DAY)) == 8673


def test_population_is_unknown_rather_than_short(ctx):
    session = get_session()
    session.delete(session.get(UnitPopulation, (queries.query_unit("03619", LAST_OLD_DAY).id, 2019)))
    session.commit()
    assert queries.query_population(queries.query_unit("03595", FIRST_NEW_DAY)) is None


def test_loading_the_same_files_again_updates_in_place(ctx):
    report = load_paths(sorted(Path(BUNDLED_DIR).glob("lai-chau-units-*.csv")))
    assert report.ok
    assert get_session().exec(select(func.count()).select_from(AdminUnit)).one() == 154


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _counts():
    session = get_session()
    return [session.exec(select(func.count()).select_from(m)).one()
            for m in (AdminUnit, UnitSuccession, UnitPopulation)]


HEADER = "code,name,level,type,parent_code,valid_from,valid_to\n"


@pytest.mark.parametrize("body, line, code", [
    ("99999,Xã Mới,commune,xã,777,2026-01-01,\n", 2, "unit.unknown_parent"),
    ("12,Tỉnh Lai Châu,province,tỉnh,,2025-08-01,\n", 2, "unit.overlap"),
    ("1x,Xã Sai,commune,xã,12,2026-01-01,\n", 2, "unit.bad_code"),
    ("99999,Xã Sai,hamlet,xã,12,2026-01-01,\n", 2, "unit.bad_level"),
    ("99999,Xã Sai,commune,làng,12,2026-01-01,\n", 2, "unit.bad_type"),
    ("99999,Xã Sai,commune,xã,12,2026-13-01,\n", 2, "unit.bad_date"),
    ("99999,Xã Sai,commune,xã,12,2026-02-01,2026-01-01\n", 2, "unit.bad_date"),
    ("99998,Xã Tốt,commune,xã,12,2026-01-01,\n99999,Xã Sai,commune,xã,12\n", 3, "csv.field_count"),
    ("99999,Xã A,commune,xã,12,2026-01-01,\n99999,Xã A,commune,xã,12,2026-01-01,\n", 3, "unit.duplicate"),
])
def test_a_bad_unit_row_is_reported_by_line_and_nothing_is_written(ctx, tmp_path, body, line, code):
    before = _counts()
    report = load_paths([_write(tmp_path, "units.csv", HEADER + body)])
    assert [(e.line, e.code) for e in report.errors] == [(line, code)]
    assert _counts() == before


def test_a_merger_row_that_joins_a_reused_code_by_name_is_refused(ctx, tmp_path):
    header = (BUNDLED_DIR / "lai-chau-merger-2025.csv").read_text(encoding="utf-8").splitlines()[0]
    row = ("03619,Xã Mường Than,xã,110,Xã Mường Than,03618,Xã Than Uyên,xã,no,"
           "1670/NQ-UBTVQH15 Điều 1 khoản 3,yes")
    report = load_paths([_write(tmp_path, "merger.csv", f"{header}\n{row}\n")])
    assert [(e.line, e.code) for e in report.errors] == [(2, "merger.name_mismatch")]


def test_an_unknown_header_or_encoding_is_refused(ctx, tmp_path):
    report = load_paths([_write(tmp_path, "x.csv", "ma,ten\n1,2\n")])
    assert [e.code for e in report.errors] == ["csv.unknown_header"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + b"99999,X\xe3 M\xf4i,commune,x\xe3,12,2026-01-01,\n")
    assert [e.code for e in load_paths([latin]).errors] == ["csv.not_utf8"]


def test_one_bad_file_stops_the_good_ones_too(ctx, tmp_path):
    before = _counts()
    good = _write(tmp_path, "good.csv", HEADER + "99999,Xã Mới,commune,xã,12,2026-01-01,\n")
    bad = _write(tmp_path, "bad.csv", HEADER + "99998,Xã Sai,commune,xã,404,2026-01-01,\n")
    assert not load_paths([good, bad]).ok
    assert _counts() == before


def test_population_totals_must_match_the_communes(ctx, tmp_path):
    header = "code,name,level,population,urban,rural,population_2020_boundaries\n"
    path = _write(tmp_path, "districts.csv", header + "106,Huyện Tam Đường,district,56079,7398,48681,56079\n")
    assert [e.code for e in load_paths([path]).errors] == ["population.total_mismatch"]


def test_units_load_command_lists_bad_rows(runner, ctx, tmp_path):
    path = _write(tmp_path, "units.csv", HEADER + "99999,Xã Mới,commune,xã,777,2026-01-01,\n")
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code == 1
    assert "units.csv:2: unit.unknown_parent" in result.output
    assert "nothing was written" in result.output


def test_units_pages(login, units):
    client = login("viewer")
    page = client.get("/units/?on=2025-07-01").get_data(as_text=True)
    assert "Xã Than Uyên" in page and "Huyện Tam Đường" not in page
    page = client.get("/units/?on=2025-06-30").get_data(as_text=True)
    assert "Huyện Tam Đường" in page
    assert client.get("/units/?on=not-a-date").status_code == 200
    with client.application.app_context():
        than_uyen = queries.query_unit("03595", FIRST_NEW_DAY)
    page = client.get(f"/units/{than_uyen.id}").get_data(as_text=True)
    assert "Xã Mường Than" in page and "Huyện Than Uyên" in page
    assert client.get("/units/999999").status_code == 404
