"""Backups of the database while the app runs, and their restore: `flask backup create|restore`.

PostgreSQL is dumped with pg_dump in its custom format (restored with pg_restore); the SQLite file
is copied with SQLite's online backup API, which takes a consistent copy while workers write.
"""
from survey.backup.operations import BackupError, create_backup, restore_backup

__all__ = ["BackupError", "create_backup", "restore_backup"]
