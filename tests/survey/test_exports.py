"""Labelled exports: CSV stream, XLSX, SPSS, Stata and Parquet round trips, jobs, and the
end-to-end check of exported data against the results adapter through analysis.Design."""
import io
import os
import signal
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from analysis import Design, estimate_index
from survey.config import PROJECT_ROOT
from survey.db import get_session, transaction
from survey.estimates.dataset import Inclusion
from survey.estimates.results import wave_results
from survey.estimates.weights import LONELY_PSU
from survey.exports import rows
from survey.exports.operations import export_dir
from survey.exports.runner import record_failure, write_file
from survey.jobs.queue import enqueue
from survey.models import ExportJob, Job
from tests.survey.conftest import DESK_COMMUNES, post_form, wait_for


@pytest.fixture
def wave(units, create_export_wave):
    return create_export_wave()


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype={"unit_code_new": str,
                                                                      "unit_code_old": str})


def test_csv_export_streams_one_row_per_counted_response(login, wave):
    client = login("statistician")
    response = client.get(f"/exports/waves/{wave.id}/responses.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    frame = _csv(client, f"/exports/waves/{wave.id}/responses.csv")
    # 60 QR minus 1 flagged, plus paper forms verified (24 minus 4 keyed once).
    assert len(frame) == 59 + 20
    assert {"weight", "stratum", "psu", "unit_code_old", "unit_code_new", "channel", "flags",
            "verification", "satisfaction", "waiting_time", "reason_dissatisfied"} <= set(frame.columns)
    assert frame["weight"].gt(0).all() and frame["stratum"].notna().all()
    assert set(frame["channel"]) == {"qr", "paper"}
    assert frame["satisfaction"].isin([1, 2, 3]).all()
    assert "Chờ lâu, \"quá\" đông; không rõ\nhướng dẫn" in set(frame["reason_dissatisfied"].dropna())
    wider = _csv(client, f"/exports/waves/{wave.id}/responses.csv?include_flagged=1&include_unverified=1")
    assert len(wider) == 60 + 24


def test_end_to_end_estimates_from_the_exported_csv_match_the_results(app, login, wave):
    frame = _csv(login("statistician"), f"/exports/waves/{wave.id}/responses.csv")
    frame["commune_code"] = frame["unit_code_new"].fillna(frame["unit_code_old"]).astype(str)
    design = Design(frame, weights="weight", strata="stratum", fpc="fpc", lonely_psu=LONELY_PSU)
    defs = [{"id": "satisfied_share", "rule": "top2_share", "items": ("satisfaction",), "of": None,
             "weights": None, "reverse": ()}]
    with app.app_context():
        table = wave_results(get_session(), wave, "commune", Inclusion())
        definition = next(i.spec for i in table.indicators if i.id == "satisfied_share")
    direct = estimate_index(design, [definition] if definition else defs, "satisfied_share",
                            by="commune_code", scale_points={"satisfaction": 3}, ci="beta", target=0.95)
    reported = {r.domain: r for r in table.for_indicator("satisfied_share")}
    assert set(reported) == set(DESK_COMMUNES)
    for _, row in direct.iterrows():
        mine = reported[row["commune_code"]]
        assert mine.estimate == pytest.approx(row["estimate"], abs=1e-12)
        assert mine.se == pytest.approx(row["se"], abs=1e-12)
        assert mine.n == row["n"]


def _write(app, wave, fmt, tmp_path):
    path = tmp_path / f"out.{fmt}"
    with app.app_context():
        n = write_file(get_session(), wave, Inclusion(), fmt, path, progress=lambda n: None)
        design = rows.open_source(get_session(), wave, Inclusion()).design
    return path, n, design


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_files_carry_vietnamese_labels_codes_and_weights(app, wave, tmp_path, fmt):
    path, n, design = _write(app, wave, fmt, tmp_path)
    data, meta = (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(path))
    assert len(data) == n == 79
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["satisfaction"] == unicodedata.normalize("NFC", "Mức độ hài lòng của Ông/Bà")
    assert labels["weight"] == "Quyền số cuối cùng"
    assert unicodedata.is_normalized("NFC", "".join(filter(None, meta.column_labels)))
    values = meta.variable_value_labels
    assert set(values["satisfaction"]) == {1, 2, 3}
    assert all(unicodedata.is_normalized("NFC", t) for t in values["satisfaction"].values())
    assert values["channel"] == {1: "Mã QR", 2: "Phiếu giấy"}
    assert set(data["satisfaction"].dropna().unique()) <= {1, 2, 3}
    assert data["response_id"].astype(int).tolist() == design["response_id"].tolist()
    np.testing.assert_allclose(data["weight"], design["weight"])
    # Text codes become numbers 1..K with their labels (Stata labels only whole numbers).
    waiting = values["waiting_time"]
    assert all(isinstance(k, int | float) and float(k).is_integer() for k in waiting)
    assert data["channel"].isin([1, 2]).all()


def test_xlsx_has_data_codebook_and_results_sheets(app, wave, tmp_path):
    path, n, _design = _write(app, wave, "xlsx", tmp_path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "codebook", "results", "results_district", "results_commune"]
    data = list(book["data"].iter_rows(values_only=True))
    assert data[1][:3] == ("response_id", "channel", "submitted_at")
    assert data[0][0] == "Mã phiếu trả lời" and len(data) == 2 + n
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("name", "label_vi", "label_en")
    assert any(row[0] == "satisfaction" and "Rất hài lòng" in (row[8] or "") for row in codebook)
    results = list(book["results_commune"].iter_rows(values_only=True))
    assert "estimate" in results[0] and len(results) > 1


def test_parquet_round_trip_keeps_types_and_labels(app, wave, tmp_path):
    path, n, design = _write(app, wave, "parquet", tmp_path)
    table = pq.read_table(path)
    assert table.num_rows == n
    assert str(table.schema.field("satisfaction").type) == "int64"
    assert table.schema.field("weight").metadata[b"label_vi"].decode() == "Quyền số cuối cùng"
    np.testing.assert_allclose(table.column("weight").to_numpy(), design["weight"].to_numpy())


def test_codebook_and_results_downloads(login, wave):
    client = login("statistician")
    codebook = _csv(client, f"/exports/waves/{wave.id}/codebook.csv")
    assert "satisfaction" in set(codebook["name"])
    results = client.get(f"/exports/waves/{wave.id}/results.csv?by=commune")
    assert results.status_code == 200 and b"estimate" in results.get_data()
    xlsx = client.get(f"/exports/waves/{wave.id}/results.xlsx?by=district")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    xlsx.close()


def test_bad_requests_get_clear_errors(login, wave):
    client = login("statistician")
    assert client.get("/exports/waves/99999/responses.csv").status_code == 404
    assert client.get(f"/exports/waves/{wave.id}/results.csv?by=nonsense").status_code == 400
    assert client.get("/exports/jobs/99999").status_code == 404
    bad = post_form(client, "/exports/jobs", {"wave_id": str(wave.id), "format": "exe"},
                    form_url="/exports/")
    assert bad.status_code == 400 and "error-summary" in bad.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "clerk", "supervisor"])
def test_only_statisticians_and_admins_export(login, wave, role):
    client = login(role)
    assert client.get(f"/exports/waves/{wave.id}/responses.csv").status_code == 403
    assert client.get("/exports/").status_code == 403


def _finished_job(app, job_id):
    with app.app_context():
        job = get_session().get(ExportJob, job_id)
        return job if job.status in ("done", "failed") else None


def test_a_background_job_writes_the_file_and_the_page_polls(app, login, wave, worker, tmp_path):
    client = login("statistician")
    response = post_form(client, "/exports/jobs",
                         {"wave_id": str(wave.id), "format": "dta", "include_unverified": ""},
                         form_url="/exports/")
    assert response.status_code == 302
    job_url = response.location
    page = client.get(job_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page or "Download" in page or "Tải" in page
    job_id = int(job_url.rstrip("/").split("/")[-1])
    job = wait_for(lambda: _finished_job(app, job_id), 90, "the export job")
    assert job.status == "done", job.error
    page = client.get(job_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    download = client.get(f"{job_url}/file")
    assert download.status_code == 200
    saved = tmp_path / "downloaded.dta"
    saved.write_bytes(download.get_data())
    download.close()
    data, _meta = pyreadstat.read_dta(str(saved))
    assert len(data) == 79


def _start_export(client, wave, fmt="parquet"):
    data = {"wave_id": str(wave.id), "format": fmt, "include_unverified": ""}
    response = post_form(client, "/exports/jobs", data, form_url="/exports/")
    assert response.status_code == 302
    return int(response.location.rstrip("/").split("/")[-1])


def test_a_job_queued_while_the_worker_is_down_runs_when_it_starts(app, login, wave, database_url,
                                                                  instance_path, tmp_path):
    client = login("statistician")
    job_id = _start_export(client, wave)
    with app.app_context():
        assert get_session().get(ExportJob, job_id).status == "queued"
        assert get_session().exec(select(Job)).one().state == "queued"
    assert "Đang chờ bắt đầu" in client.get("/exports/?lang=vi").get_data(as_text=True)
    env = {**os.environ, "SURVEY_DATABASE_URL": database_url, "SURVEY_INSTANCE_PATH": instance_path,
           "SURVEY_SECRET_KEY": "test-secret-key"}
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "worker.py"], cwd=PROJECT_ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            job = wait_for(lambda: _finished_job(app, job_id), 240, "the export job")
        finally:
            worker.send_signal(signal.SIGTERM)  # systemd's stop: running jobs finish first
            worker.wait(60)
    assert job.status == "done", (tmp_path / "worker.log").read_text()
    with app.app_context():
        assert get_session().exec(select(Job)).one().state == "done"
        assert (export_dir() / job.file_name).is_file()


def test_a_failed_job_says_why_in_the_users_language(app, login, wave):
    client = login("statistician")
    job_id = _start_export(client, wave)
    with app.app_context():
        record_failure("job.unavailable", job_id)
    page = client.get(f"/exports/jobs/{job_id}?lang=vi").get_data(as_text=True)
    assert "Không kết nối được cơ sở dữ liệu" in page and 'role="alert"' in page
    page = client.get(f"/exports/jobs/{job_id}?lang=en").get_data(as_text=True)
    assert "The database could not be reached" in page
    with app.app_context():
        record_failure("job.failed", job_id)
    assert "no file was written" in client.get(f"/exports/jobs/{job_id}?lang=en").get_data(as_text=True)


def test_old_export_files_are_removed_by_the_daily_job(app, login, wave, worker):
    app.config["EXPORT_FILE_RETENTION_DAYS"] = 3
    client = login("statistician")
    old, new = _start_export(client, wave), _start_export(client, wave)
    for job_id in (old, new):
        wait_for(lambda job_id=job_id: _finished_job(app, job_id), 90, "the export job")
    with app.app_context():
        with transaction() as session:
            session.get(ExportJob, old).finished_at = datetime.now(UTC) - timedelta(days=3, minutes=1)
        old_file = export_dir() / get_session().get(ExportJob, old).file_name
        new_file = export_dir() / get_session().get(ExportJob, new).file_name
        enqueue("remove_old_exports")
    wait_for(lambda: not old_file.exists(), 60, "the clean-up job")
    assert new_file.is_file()
    page = client.get(f"/exports/jobs/{old}?lang=vi").get_data(as_text=True)
    assert "Tệp đã được xóa 3 ngày sau khi ghi" in page and 'http-equiv="refresh"' not in page
    assert client.get(f"/exports/jobs/{old}/file").status_code == 404
    assert client.get(f"/exports/jobs/{new}/file").status_code == 200
