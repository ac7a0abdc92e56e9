"""Take and restore backups of the configured database (PostgreSQL or SQLite), without Flask."""
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

PREFIX = "survey-"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}
# Where Debian puts the PostgreSQL client programs when they are not on PATH.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def create_backup(database_url: str, directory: Path, keep: int = 0, pg_bin: str = "") -> Path:
    """Write a backup of the database into `directory` and return its path.

    The file is written aside and renamed when complete and checked, so a half-written backup never
    looks like a good one. With `keep` > 0 only that many newest backups are kept.
    """
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"cannot back up a {backend} database")
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / f"{PREFIX}{stamp}{SUFFIXES[backend]}"
    partial = target.with_name(f".{target.name}.partial")
    try:
        if backend == "postgresql":
            _run(pg_bin, "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={partial}", *_pg_args(url), env=_pg_env(url))
            _run(pg_bin, "pg_restore", "--list", str(partial))  # a readable archive
        else:
            _sqlite_copy(Path(url.database), partial)
            _sqlite_check(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    if keep > 0:
        for old in list_backups(directory, backend)[:-keep]:
            old.unlink()
    return target


def list_backups(directory: Path, backend: str) -> list[Path]:
    """The backups of this kind in `directory`, oldest first (their names sort by time)."""
    return sorted(directory.glob(f"{PREFIX}*{SUFFIXES[backend]}"))


def restore_backup(database_url: str, backup: Path, pg_bin: str = "") -> None:
    """Replace the database's content by the backup's: every table, row and sequence."""
    url = make_url(database_url)
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    if url.get_backend_name() == "postgresql":
        if backup.suffix != SUFFIXES["postgresql"]:
            raise BackupError(f"{backup.name} is not a PostgreSQL backup (.dump)")
        # --clean drops what the backup holds before recreating it; one transaction, so a failed
        # restore leaves the database as it was.
        _run(pg_bin, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *_pg_args(url), str(backup),
             env=_pg_env(url))
    elif url.get_backend_name() == "sqlite":
        if backup.suffix != SUFFIXES["sqlite"]:
            raise BackupError(f"{backup.name} is not a SQLite backup (.sqlite3)")
        _sqlite_check(backup)
        _sqlite_copy(backup, Path(url.database))
    else:
        raise BackupError(f"cannot restore a {url.get_backend_name()} database")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database page by page in one read transaction (the online backup API)."""
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        dst.execute("PRAGMA busy_timeout=10000")
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path.name} is not a readable SQLite database: {error}") from None
    finally:
        connection.close()
    if result != "ok":
        raise BackupError(f"{path.name} fails SQLite's integrity check: {result}")


def _pg_args(url) -> list[str]:
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args


def _pg_env(url) -> dict:
    # The password goes to the programs in their environment, never on a command line (ps shows it).
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def pg_program(pg_bin: str, name: str) -> str:
    """The path of a PostgreSQL client program: in `pg_bin`, on PATH, or Debian's newest."""
    if pg_bin:
        return str(Path(pg_bin) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/").glob(PG_BIN_GLOB.lstrip("/")),
                        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if candidates and (candidates[-1] / name).exists():
        return str(candidates[-1] / name)
    raise BackupError(f"{name} not found: install the PostgreSQL client or set SURVEY_PG_BIN_DIR")


def _run(pg_bin: str, name: str, *args: str, env=None) -> None:
    result = subprocess.run([pg_program(pg_bin, name), *args], env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip() or result.returncode}")
