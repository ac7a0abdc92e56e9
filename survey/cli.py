"""The `flask` command groups: db, questionnaires, users, units, translate, demo."""
import fcntl
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey import migrate
from survey.config import PROJECT_ROOT
from survey.db import get_engine
from survey.serve import serve_command

db_cli = AppGroup("db", help="Database schema migrations.")
questionnaires_cli = AppGroup("questionnaires", help="Questionnaire definitions.")
users_cli = AppGroup("users", help="Staff accounts.")
units_cli = AppGroup("units", help="Administrative units.")
translate_cli = AppGroup("translate", help="Translation catalogues (pybabel).")
maintenance_cli = AppGroup("maintenance", help="Routine upkeep (the worker also runs it daily).")


@maintenance_cli.command("purge-client-keys")
@click.option("--days", type=int, default=None,
              help="Keep keys this many days, at most 6 (default: CLIENT_KEY_RETENTION_DAYS).")
def purge_client_keys_command(days):
    """Destroy the hashed client keys of citizen ratings older than the retention period."""
    from survey.public.maintenance import purge_client_keys

    days = current_app.config["CLIENT_KEY_RETENTION_DAYS"] if days is None else days
    try:
        purged = purge_client_keys(days)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--days") from None
    click.echo(f"Destroyed the client keys of {purged} response(s) older than {days} day(s).")


@maintenance_cli.command("purge-login-attempts")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Keep attempts this many days (default: LOGIN_ATTEMPT_RETENTION_DAYS).")
def purge_login_attempts_command(days):
    """Delete login attempts (usernames as typed, client keys) older than the retention period."""
    from survey.public.maintenance import purge_login_attempts

    days = current_app.config["LOGIN_ATTEMPT_RETENTION_DAYS"] if days is None else days
    click.echo(f"Deleted {purge_login_attempts(days)} login attempt(s) older than {days} day(s).")


@db_cli.command("upgrade")
def db_upgrade():
    """Migrate the database to the newest schema."""
    migrate.upgrade(get_engine())
    click.echo(f"Database at migration {migrate.current_revision(get_engine())}.")


@db_cli.command("current")
def db_current():
    """Show the database's migration and the code's."""
    click.echo(f"database: {migrate.current_revision(get_engine()) or 'empty'}; "
               f"code: {migrate.head_revision()}")


@questionnaires_cli.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
def questionnaires_check(directory):
    """Validate every questionnaire file; print errors as `file:location: code`."""
    from survey.questionnaires import check_directory

    directory = directory or current_app.config["QUESTIONNAIRES_DIR"]
    loaded, errors = check_directory(Path(directory), current_app.config["LANGUAGES"])
    for q in loaded:
        items = len(q.items)
        click.echo(f"ok    {q.source_file}: {q.id} v{q.version}, {items} items, "
                   f"{len(q.indices)} indices, languages {', '.join(q.languages)}")
    for error in errors:
        click.echo(f"error {error}", err=True)
    if errors:
        raise click.exceptions.Exit(1)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["admin", "supervisor", "clerk", "statistician", "viewer"]))
@click.option("--name", "display_name", default="", help="Name shown in the interface.")
@click.password_option(help="Asked for when not given.")
def users_create(username, role, display_name, password):
    """Create a staff account."""
    from survey.auth.operations import AccountError, create_user

    try:
        user = create_user(username, password, role, display_name)
    except AccountError as exc:
        raise click.ClickException({
            "user.bad_username": "usernames use letters, digits, '.', '_' or '-' (at most 64)",
            "user.bad_role": f"unknown role {role}",
            "user.weak_password": "passwords have at least 10 characters",
            "user.exists": f"user {username} already exists",
        }[exc.code]) from None
    click.echo(f"Created {user.role} {user.username}.")


def _user_named(username):
    from survey.auth.operations import normalise_username
    from survey.auth.queries import query_user_by_name

    user = query_user_by_name(normalise_username(username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    return user


@users_cli.command("password")
@click.argument("username")
@click.password_option(help="Asked for when not given.")
def users_password(username, password):
    """Set a staff member's password; their open sessions end."""
    from survey.auth.operations import AccountError, change_password

    try:
        change_password(_user_named(username), password)
    except AccountError:
        raise click.ClickException("passwords have at least 10 characters") from None
    click.echo(f"New password set for {username}; their sessions have ended.")


@users_cli.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "supervisor", "clerk", "statistician", "viewer"]))
def users_role(username, role):
    """Give a staff member another role; their open sessions end."""
    from survey.auth.operations import change_role

    change_role(_user_named(username), role)
    click.echo(f"{username} is now {role}; their sessions have ended.")


@units_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--census-year", default=2019, show_default=True,
              help="Census year of population files.")
def units_load(files, census_year):
    """Load or update units, the merger map and census population from CSV files.

    Without FILES, loads the files bundled with the platform. Every row of every file is
    checked first; if any is bad, the errors are listed by line and nothing is written.
    """
    from survey.units.operations import load_bundled, load_paths

    report = load_paths(files, census_year) if files else load_bundled()
    for e in report.errors:
        click.echo(f"{e.field}:{e.line}: {e.code}" + (f" ({e.detail})" if e.detail else ""), err=True)
    if not report.ok:
        raise click.ClickException(f"{len(report.errors)} bad row(s); nothing was written.")
    counts = ", ".join(f"{n} {kind} rows" for kind, n in report.counts.items())
    click.echo(f"Loaded {counts}.")


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args],
                   check=True, cwd=PROJECT_ROOT)


@contextmanager
def _catalogue_lock():
    """Serialise catalogue rewrites (extract + merge, fill) between people working at once."""
    with open(PROJECT_ROOT / "translations" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@translate_cli.command("update")
def translate_update():
    """Extract UI strings and merge them into the vi and en catalogues."""
    with _catalogue_lock():
        _extract_and_merge()


def _extract_and_merge():
    pot = PROJECT_ROOT / "translations" / "messages.pot"
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", str(pot), "survey")
    _pybabel("update", "-i", str(pot), "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")
    pot.unlink()


@translate_cli.command("fill")
@click.argument("pairs", type=click.Path(exists=True, dir_okay=False))
@click.option("--locale", default="vi", show_default=True)
def translate_fill(pairs, locale):
    """Set translations from a JSON file of {"English msgid": "translation"} (NFC-normalised).

    Several people may add strings at once: the catalogue is rewritten under a file lock, and
    only the listed entries change.
    """
    import json
    import unicodedata

    from babel.messages.pofile import read_po, write_po

    wanted = json.loads(Path(pairs).read_text(encoding="utf-8"))
    po_path = PROJECT_ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with _catalogue_lock():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        missing = []
        for msgid, text in wanted.items():
            message = catalog.get(msgid)
            if message is None:
                missing.append(msgid)
                continue
            normal = (unicodedata.normalize("NFC", t) for t in text) if isinstance(text, list) else None
            message.string = tuple(normal) if normal else unicodedata.normalize("NFC", text)
            message.flags.discard("fuzzy")
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=76, no_location=True, sort_output=True)
    click.echo(f"{len(wanted) - len(missing)} translation(s) set in {po_path.name} ({locale}).")
    for msgid in missing:
        click.echo(f"not in the catalogue (run `flask translate update` first): {msgid!r}", err=True)
    if missing:
        raise SystemExit(1)


@translate_cli.command("compile")
def translate_compile():
    """Compile catalogues now (the app also does it at start-up)."""
    from survey.i18n import compile_catalogues

    target = Path(current_app.instance_path) / "translations"
    for path in compile_catalogues(Path(current_app.config["TRANSLATIONS_DIR"]), target):
        click.echo(f"compiled {path}")


def init_app(app):
    from survey.backup.commands import backup_cli
    from survey.demo.commands import demo_command

    for group in (db_cli, questionnaires_cli, users_cli, units_cli, translate_cli, maintenance_cli):
        app.cli.add_command(group)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(backup_cli)
