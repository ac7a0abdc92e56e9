"""Exports of hostile text: every format writes whatever control characters old rows hold, and
no spreadsheet (CSV, XLSX) runs citizen text or a service-point name as a formula."""
import io
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from survey.db import get_session, transaction
from survey.estimates.dataset import Inclusion
from survey.exports.cells import spreadsheet_text
from survey.exports.runner import write_file
from survey.models import Answer
from survey.questionnaires import check_answers
from survey.responses.operations import record_response
from survey.service_points import operations as sp_operations
from survey.startup import registry
from survey.units.queries import query_unit
from survey.waves import operations as wave_operations

FORMULA = '=HYPERLINK("http://evil.example","bấm")'
# An old comment stored before input was checked: control characters a spreadsheet cannot hold
# (no NUL: PostgreSQL itself refuses it, and the writers drop it like the others; see below).
CONTROL = "Chờ\x02 lâu\x01\x0b\x1f\x7f quá"


@pytest.fixture
def wave(app, units):
    with app.app_context():
        wave = wave_operations.save_wave(wave_operations.WaveData(
            "HOSTILE", "Đợt thử", "tthc-desk", date(2025, 8, 1), date(2025, 10, 31), "qr", False),
            None, None)
        unit = query_unit("03595", date(2025, 9, 1))
        point = sp_operations.save(sp_operations.ServicePointData(
            "X-1", "=1+2 Một cửa", "one_stop_commune", unit.id, None, True, ""))
        desk = registry().get("tthc-desk")
        for n, comment in enumerate(("placeholder one", "placeholder two", "+84 912", "plain")):
            response = record_response(desk, check_answers(desk, {
                "satisfaction": ["1"], "reason_dissatisfied": ["x"], "comment": [comment]}),
                channel="qr", unit_id=unit.id, service_point_id=point.id,
                submitted_at=datetime(2025, 9, 2 + n, 3, tzinfo=UTC))
            # Rows stored before input was checked: written straight to the table.
            with transaction() as session:
                for item, value in (("comment", (FORMULA, CONTROL, "+84 912", "@SUM(A1)\x0c")[n]),):
                    answer = session.exec(select(Answer).where(
                        Answer.response_id == response.id, Answer.item_id == item)).one()
                    answer.value = value
        return wave


def test_formula_starts_are_quoted_and_stay_readable():
    assert spreadsheet_text("=1+2") == "'=1+2"
    assert [spreadsheet_text(t)[:2] for t in ("+1", "-1", "@a", "\tx", "\rx")] == [
        "'+", "'-", "'@", "'\t", "'\r"]
    assert spreadsheet_text("Bình thường - tốt") == "Bình thường - tốt"
    assert spreadsheet_text("a\x00b\x1fc") == "abc"


def test_csv_neutralises_formulas_and_drops_control_characters(login, wave):
    client = login("statistician")
    body = client.get(f"/exports/waves/{wave.id}/responses.csv").get_data()
    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)
    comments = list(frame["comment"])
    assert comments == ["'" + FORMULA, "Chờ lâu quá", "'+84 912", "'@SUM(A1)"]
    results = client.get(f"/exports/waves/{wave.id}/results.csv?by=service_point&include_flagged=1")
    assert results.status_code == 200
    labels = set(pd.read_csv(io.BytesIO(results.get_data()), encoding="utf-8-sig")["domain_label"])
    assert labels == {"'=1+2 Một cửa"}


def test_xlsx_writes_and_no_cell_is_a_formula(app, login, wave, tmp_path):
    path = tmp_path / "out.xlsx"
    with app.app_context():
        assert write_file(get_session(), wave, Inclusion(), "xlsx", path, progress=lambda n: None) == 4
    book = load_workbook(path)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    data = book["data"]
    header = [c.value for c in data[2]]
    comments = [row[header.index("comment")].value for row in data.iter_rows(min_row=3)]
    assert comments == ["'" + FORMULA, "Chờ lâu quá", "'+84 912", "'@SUM(A1)"]
    table = login("statistician").get(
        f"/exports/waves/{wave.id}/results.xlsx?by=service_point&include_flagged=1")
    sheet = load_workbook(io.BytesIO(table.get_data())).active
    labels = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert labels == {"'=1+2 Một cửa"}


@pytest.mark.parametrize("fmt", ["sav", "dta", "parquet"])
def test_statistical_formats_write_the_text_without_control_characters(app, wave, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    with app.app_context():
        assert write_file(get_session(), wave, Inclusion(), fmt, path, progress=lambda n: None) == 4
    if fmt == "parquet":
        frame = pq.read_table(path).to_pandas()
    else:
        frame, _meta = (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(path))
    # No formulas in these formats: the text is kept as typed, less what no format can hold.
    assert list(frame["comment"]) == [FORMULA, "Chờ lâu quá", "+84 912", "@SUM(A1)"]
