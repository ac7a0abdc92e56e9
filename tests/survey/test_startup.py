"""Start-up refuses what cannot work: an un-migrated database, a broken questionnaire."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from survey import create_app
from survey.config import PROJECT_ROOT
from survey.migrate import head_revision, is_model_table


def _config(tmp_path, **extra):
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x", **extra}


def test_the_app_refuses_to_start_on_an_unmigrated_database(tmp_path):
    with pytest.raises(RuntimeError, match=r"flask --app wsgi db upgrade"):
        create_app(_config(tmp_path), strict=True)


def test_under_the_flask_command_it_loads_and_explains_with_503(tmp_path):
    app = create_app(_config(tmp_path), strict=False)
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "db upgrade" in response.get_data(as_text=True)


def test_db_upgrade_migrates_then_the_app_starts(tmp_path):
    app = create_app(_config(tmp_path), strict=False)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and head_revision() in result.output
    create_app(_config(tmp_path), strict=True)


def test_a_broken_questionnaire_stops_the_start(tmp_path, database_url):
    broken = tmp_path / "q"
    broken.mkdir()
    (broken / "x.v1.yaml").write_text("schema_version: 1\nid: x\nversion: one\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="questionnaires check"):
        create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                    "QUESTIONNAIRES_DIR": str(broken)}, strict=True)


def test_migrations_match_the_models(app):
    with app.extensions["db_engine"].connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": is_model_table})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    app = create_app(_config(tmp_path), strict=False)
    with app.extensions["db_engine"].connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert isinstance(raw, sqlite3.Connection)


def test_the_default_database_and_secret_live_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)}, strict=False)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'survey.db'}"
    secret = (tmp_path / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == secret and len(secret) == 64
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    again = create_app({"INSTANCE_PATH": str(tmp_path)}, strict=False)
    assert again.config["SECRET_KEY"] == secret


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEY_LOGIN_MAX_FAILURES_PER_USER", "3")
    monkeypatch.setenv("SURVEY_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("SURVEY_PUBLIC_BASE_URL", "https://khaosat.laichau.gov.vn")
    app = create_app(_config(tmp_path), strict=False)
    assert app.config["LOGIN_MAX_FAILURES_PER_USER"] == 3
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PUBLIC_BASE_URL"] == "https://khaosat.laichau.gov.vn"
    monkeypatch.setenv("SURVEY_LOGIN_WINDOW_SECONDS", "soon")
    with pytest.raises(ValueError, match="SURVEY_LOGIN_WINDOW_SECONDS"):
        create_app(_config(tmp_path), strict=False)


def test_the_flask_command_checks_questionnaires():
    env = {**os.environ, "SURVEY_DATABASE_URL": "sqlite://"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "questionnaires", "check"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "ok    tthc-desk.v1.yaml" in result.stdout


def test_questionnaires_check_reports_codes_and_locations(runner, tmp_path):
    (tmp_path / "x.v1.yaml").write_text(
        "schema_version: 1\nid: x\nversion: 1\ntitle: {vi: X}\nlanguages: [vi]\n"
        "sections:\n  - id: s\n    title: {vi: S}\n    items:\n"
        "      - {id: q, type: single_choise, text: {vi: Q}}\n", encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "x.v1.yaml:s.q.type: type.unknown" in result.output


def test_every_shipped_questionnaire_is_in_the_registry(app):
    shipped = {p.name.split(".v")[0] for p in Path(app.config["QUESTIONNAIRES_DIR"]).glob("*.yaml")}
    assert {q.id for q in app.extensions["questionnaires"].latest()} == shipped
    assert {"tthc-desk", "sipas", "health-outpatient", "health-inpatient",
            "education-parents"} <= shipped
