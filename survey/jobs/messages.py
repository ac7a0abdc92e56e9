"""Labels of job kinds and states; the queue's error codes in the one problem catalogue."""
from survey.i18n_lazy import _l
from survey.problems import register

KIND_LABELS = {
    "export": _l("Export file"),
    "results_snapshot": _l("Results tables"),
    "purge_client_keys": _l("Wipe old client keys"),
    "purge_login_attempts": _l("Delete old login attempts"),
    "remove_old_exports": _l("Remove old export files"),
    "refresh_stale_snapshots": _l("Refresh outdated results"),
}
STATE_LABELS = {
    "queued": _l("Waiting"),
    "running": _l("Running"),
    "retrying": _l("Waiting to retry"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}
ERROR_CODES = ("job.failed", "job.unavailable", "job.interrupted", "job.unknown_kind")
register({
    "job.failed": _l("The job stopped on an error. Please start it again; if it fails again, tell the "
                     "administrator."),
    "job.unavailable": _l("The database could not be reached, even after several tries. Please start "
                          "it again later."),
    "job.interrupted": _l("The background worker was stopped while the job ran. Please start it again."),
    "job.unknown_kind": _l("The background worker does not know this kind of job; it may be older than "
                           "the web app. Restart the worker."),
})
