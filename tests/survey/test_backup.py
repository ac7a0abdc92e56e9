"""The restore drill: back up while the app runs, wipe the database, restore, and find every row again."""
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

ANSWERS = {"access_channels": "4", "official_polite": "5", "gave_feedback": "no", "sex": "female"}


def every_row(engine) -> dict[str, list[tuple]]:
    """Every table's rows in primary-key order, and the migration the schema is at."""
    with engine.connect() as connection:
        rows = {table.name: [tuple(r) for r in connection.execute(
                    select(table).order_by(*table.primary_key.columns)).all()]
                for table in SQLModel.metadata.sorted_tables}
        rows["alembic_version"] = sorted(connection.execute(
            text("SELECT version_num FROM alembic_version")).all())
    return rows


def wipe(engine) -> None:
    """Lose the database: the SQLite file, or everything in PostgreSQL's schema."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(engine.url.database + suffix).unlink(missing_ok=True)
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture
def filled(app, units, make_user, create_entry, create_batch, create_paper_wave):
    """Paper forms (verified, in conflict, single), QR responses with flags, and the audit trail."""
    from survey.questionnaires import check_answers
    from survey.responses.operations import record_response
    from survey.startup import registry
    from survey.units.queries import query_unit

    with app.app_context():
        one, two = make_user("clerk", "c1"), make_user("clerk", "c2")
        batch = create_batch(create_paper_wave(), clerk_ids=(one.id, two.id))
        create_entry(batch, one, "0001", ANSWERS)
        create_entry(batch, two, "0001", ANSWERS, "second")
        create_entry(batch, one, "0002", ANSWERS)
        create_entry(batch, two, "0002", {**ANSWERS, "official_polite": "2"}, "second")
        create_entry(batch, one, "0003", {**ANSWERS, "sex": "male"})
        questionnaire = registry().get("sipas", 1)
        unit = query_unit("03595", batch.created_at.date())
        for n, polite in enumerate(("1", "3", "5", "4")):
            checked = check_answers(questionnaire, {"official_polite": [polite],
                                                    "access_channels": ["2"]})
            record_response(questionnaire, checked, channel="qr", unit_id=unit.id,
                            response_uuid=str(uuid.uuid4()), language="vi en".split()[n % 2],
                            flags=("burst",) if n == 0 else ())


def test_backup_wipe_restore_gives_back_every_row(app, runner, filled, tmp_path, create_entry):
    app.config["BACKUP_DIR"] = str(tmp_path)
    engine = app.extensions["db_engine"]
    before = every_row(engine)
    assert len(before["response"]) == 7 and len(before["paper_entry"]) == 5
    # Taken while a worker holds a write transaction open: not blocked, and without its row.
    writer = engine.connect()
    pending = writer.begin()
    writer.execute(text("DELETE FROM answer"))
    created = runner.invoke(args=["backup", "create"])
    pending.rollback()
    writer.close()
    assert created.exit_code == 0, created.output
    backups = sorted(tmp_path.glob("survey-*"))
    assert len(backups) == 1 and backups[0].name in created.output

    wipe(engine)
    with engine.connect() as connection:
        assert not engine.dialect.has_table(connection, "response")

    restored = runner.invoke(args=["backup", "restore", str(backups[0]), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert every_row(engine) == before
    # The app carries on: a new record gets the next id (PostgreSQL's sequences came back too).
    with app.app_context():
        from survey.db import get_session
        from survey.models import Batch, PaperEntry, User

        session = get_session()
        batch = session.exec(select(Batch)).scalars().first()
        clerk = session.exec(select(User).where(User.username == "c1")).scalars().one()
        outcome = create_entry(batch, clerk, "0004", ANSWERS)
        assert outcome.accepted, outcome.errors
        assert outcome.receipt["receipt"] == f"PE-{max(r[0] for r in before['paper_entry']) + 1:07d}"
        assert session.get(PaperEntry, max(r[0] for r in before["paper_entry"])) is not None


def test_restore_refuses_a_missing_or_wrong_file_and_keeps_the_data(app, runner, filled, tmp_path):
    engine = app.extensions["db_engine"]
    before = every_row(engine)
    missing = runner.invoke(args=["backup", "restore", str(tmp_path / "nothing.dump"), "--yes"])
    assert missing.exit_code != 0 and "no backup file" in missing.output
    junk = tmp_path / ("survey-junk" + (".sqlite3" if engine.dialect.name == "sqlite" else ".dump"))
    junk.write_bytes(b"not a backup at all" * 100)
    broken = runner.invoke(args=["backup", "restore", str(junk), "--yes"])
    assert broken.exit_code != 0
    assert every_row(engine) == before


def test_only_the_newest_backups_are_kept(app, runner, filled, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path)
    for _ in range(3):
        assert runner.invoke(args=["backup", "create", "--keep", "2"]).exit_code == 0
    assert len(list(tmp_path.glob("survey-*"))) == 2
    assert not list(tmp_path.glob(".*partial"))
