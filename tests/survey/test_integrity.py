"""Integrity of anonymous ratings: limits no client-chosen value resets, shared addresses not
refused, a desk's pace, flagged ratings out of the default estimate, one spelling per dossier
code, and client keys a purge physically destroys (SQLite file and WAL; PostgreSQL table, index
and WAL files)."""
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text
from sqlmodel import select

from survey.db import get_engine, get_session
from survey.dossier_codes import normalise_dossier_code
from survey.estimates import Inclusion, design_frame
from survey.models import LoginAttempt, Response
from survey.models.client_keys import CLIENT_KEY_TABLES, client_key_table
from survey.public import integrity
from survey.public.maintenance import purge_client_keys
from survey.service_points import operations as sp_operations
from survey.units.queries import query_unit
from survey.waves import operations as wave_operations

ALWAYS_OPEN = "mon-sun 00:00-24:00"


@pytest.fixture
def desks(app, units):
    with app.app_context():
        unit = query_unit("03595", datetime.now(UTC).date())
        return [sp_operations.save(sp_operations.ServicePointData(
            code, f"Điểm {code}", "one_stop_commune", unit.id, None, True, ALWAYS_OPEN)).code
            for code in ("MC-A", "MC-B")]


def _rate(app, desk, rating="2", address="198.51.100.7", agent="Mozilla/5.0", **answers):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    page = client.get(f"/q/{desk}")
    form = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("main form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**fields, "q_satisfaction": rating, **answers})


def _flags():
    return [r.flags for r in get_session().exec(select(Response).order_by(Response.id)).all()]


def test_a_new_user_agent_resets_nothing_and_a_stuffing_run_does_not_count(app, desks):
    statuses = [_rate(app, desks[n % 2], agent=f"Agent/{n}").status_code for n in range(60)]
    assert statuses == [303] * 60  # flagged, not refused: a shared address keeps working
    with app.app_context():
        flags = _flags()
        assert len(flags) == 60 and all("network_burst" in f for f in flags)
        today = datetime.now(UTC).date()
        wave = wave_operations.save_wave(wave_operations.WaveData(
            "now", "Đợt hiện tại", "tthc-desk", today - timedelta(days=1), today + timedelta(days=1),
            "qr", False), None, None)
        session = get_session()
        assert len(design_frame(session, wave, Inclusion())) == 0
        assert len(design_frame(session, wave, Inclusion(include_flagged=True))) == 60


def test_citizens_sharing_one_address_are_neither_refused_nor_flagged(app, desks):
    for n in range(8):  # eight phones on the commune's Wi-Fi, rating two desks
        assert _rate(app, desks[n % 2], agent=f"Phone/{n}").status_code == 303
    with app.app_context():
        assert _flags() == [""] * 8


def test_the_refusal_cap_counts_the_network_whatever_the_browser_says(app, desks):
    app.config.update(QR_RATE_LIMIT_COUNT=3, QR_NETWORK_FLAG_COUNT=100)
    statuses = [_rate(app, desks[0], agent=f"Agent/{n}").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]
    # Another IPv6 address in the same /64 is the same network; another /64 is not.
    assert _rate(app, desks[0], address="2001:db8:1:2::1", agent="x").status_code == 303
    app.config.update(QR_RATE_LIMIT_COUNT=1)
    assert _rate(app, desks[0], address="2001:db8:1:2::ff", agent="y").status_code == 429
    assert _rate(app, desks[0], address="2001:db8:1:3::1", agent="y").status_code == 303


def test_a_desk_rating_faster_than_it_can_serve_is_flagged_as_a_run(app, desks):
    app.config.update(QR_DESK_PACE_FLAG_COUNT=5)
    for n in range(6):  # six different addresses within a minute at one desk
        _rate(app, desks[0], address=f"203.0.113.{n}")
    _rate(app, desks[1], address="203.0.113.99")
    with app.app_context():
        flags = _flags()
    assert all("desk_rate" in f for f in flags[:6]) and flags[6] == ""


@pytest.mark.parametrize("typed", [
    "000.00.27.h34-251124-0001",                   # lower case
    "０００.００.２７.Ｈ３４-２５１１２４-０００１",  # full-width
    "000.00.27.H34\u200b-251124-0001\ufeff",       # zero-width space, byte-order mark
    "000.00.27.H34\u2013251124\u20110001",         # en dash, non-breaking hyphen
    " 000.00.27.H34\u00ad-251124-0001 ",           # soft hyphen, spaces
])
def test_one_dossier_code_in_any_spelling_is_rated_once(app, desks, typed):
    code = "000.00.27.H34-251124-0001"
    assert normalise_dossier_code(typed) == code
    assert _rate(app, desks[0], q_dossier_code=code, address="192.0.2.1").status_code == 303
    assert _rate(app, desks[0], q_dossier_code=typed, address="192.0.2.2").status_code == 409
    with app.app_context():
        (stored,) = get_session().exec(select(Response)).all()
        assert stored.dossier_code == code


def _bytes_of(conn, path):
    return conn.execute(text("SELECT pg_read_binary_file(:p, 0, 67108864, true)"),
                        {"p": path}).scalar() or b""


def test_purged_client_keys_are_gone_from_the_files(app, desks, runner):
    _rate(app, desks[0])
    with app.app_context():
        session = get_session()
        (response,) = session.exec(select(Response)).all()
        today = client_key_table((datetime.now(UTC) + timedelta(hours=7)).date())
        key = session.execute(select(today.c.network_key)).scalar_one()
        # A rating of three days ago, its keys in that day's ring table.
        old_day = datetime.now(UTC) - timedelta(days=3)
        old_key = "f" * 60 + "beef"
        integrity.remember(session, response.id + 1, integrity.ClientKeys(old_key, old_key),
                           None, old_day)
        session.commit()
        engine = get_engine()
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                superuser = text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if not conn.execute(superuser).scalar():
                    pytest.skip("reading the database files needs a superuser")
                conn.execute(text("CHECKPOINT"))
                old_table = client_key_table((old_day + timedelta(hours=7)).date()).name
                old_path = conn.execute(text("SELECT pg_relation_filepath(:t)"), {"t": old_table}).scalar()
                wal = conn.execute(text("SELECT name FROM pg_ls_waldir()")).scalars().all()
                # UNLOGGED: the keys never reach the WAL; nor the response table (whose file
                # shows that the reading works: the rating's id is in it).
                for name in wal:
                    assert key.encode() not in _bytes_of(conn, f"pg_wal/{name}")
                response_path = conn.execute(text("SELECT pg_relation_filepath('response')")).scalar()
                assert response.uuid.encode() in _bytes_of(conn, response_path)
                assert key.encode() not in _bytes_of(conn, response_path)
        result = runner.invoke(args=["maintenance", "purge-client-keys"])
        assert result.exit_code == 0 and "1 response" in result.output, result.output
        remaining = [session.execute(select(t.c.network_key)).scalars().all() for t in CLIENT_KEY_TABLES]
        assert sorted(k for keys in remaining for k in keys) == [key]
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execute(text("CHECKPOINT"))
                new_path = conn.execute(text("SELECT pg_relation_filepath(:t)"), {"t": old_table}).scalar()
                assert new_path != old_path
                assert old_key.encode() not in _bytes_of(conn, old_path) + _bytes_of(conn, new_path)
        else:
            database = engine.url.database
            files = b"".join(Path(p).read_bytes() for p in (database, database + "-wal")
                             if Path(p).exists())
            assert old_key.encode() not in files and key.encode() in files


def test_keys_cannot_be_kept_longer_than_the_ring(app, runner):
    result = runner.invoke(args=["maintenance", "purge-client-keys", "--days", "7"])
    assert result.exit_code != 0 and "0 to 6" in result.output
    with pytest.raises(ValueError), app.app_context():
        purge_client_keys(7)


def test_login_attempts_are_purged_after_their_retention(app, runner):
    with app.app_context():
        session = get_session()
        now = datetime.now(UTC)
        for days in (31, 1):
            session.add(LoginAttempt(username=f"typed-{days}", client_key="k" * 64, succeeded=False,
                                     attempted_at=now - timedelta(days=days)))
        session.commit()
    result = runner.invoke(args=["maintenance", "purge-login-attempts"])
    assert result.exit_code == 0 and "Deleted 1 login attempt" in result.output
    with app.app_context():
        assert [a.username for a in get_session().exec(select(LoginAttempt)).all()] == ["typed-1"]


def test_the_ring_has_a_table_for_each_day_of_a_week_and_more():
    days = {client_key_table(date(2026, 1, 1) + timedelta(days=d)).name for d in range(8)}
    assert len(days) == 8
