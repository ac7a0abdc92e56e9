"""`flask backup create` (run it from cron or a systemd timer) and `flask backup restore FILE`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.backup.operations import BackupError, create_backup, restore_backup
from survey.db import get_engine

backup_cli = AppGroup("backup", help="Back up and restore the database.")


def _directory() -> Path:
    return Path(current_app.config["BACKUP_DIR"] or Path(current_app.instance_path) / "backups")


@backup_cli.command("create")
@click.option("--keep", type=int, default=None,
              help="Keep this many newest backups (default: BACKUP_KEEP; 0 keeps all).")
def create_command(keep):
    """Back up the database while the app runs, into BACKUP_DIR."""
    keep = current_app.config["BACKUP_KEEP"] if keep is None else keep
    try:
        path = create_backup(current_app.config["DATABASE_URL"], _directory(), keep,
                             current_app.config["PG_BIN_DIR"])
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written: {path} ({path.stat().st_size} bytes).")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup, yes):
    """Replace everything in the database by the content of BACKUP."""
    if not yes:
        click.confirm(f"Replace every record in the database by {backup.name}?", abort=True)
    # Pooled connections may hold plans or pages of the tables being replaced.
    get_engine().dispose()
    try:
        restore_backup(current_app.config["DATABASE_URL"], backup, current_app.config["PG_BIN_DIR"])
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    get_engine().dispose()
    click.echo(f"Database restored from {backup}.")
