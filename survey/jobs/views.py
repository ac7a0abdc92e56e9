"""The admins' page of recent background jobs: what ran, how long it took, why one failed."""
from flask import Blueprint, render_template
from flask_babel import format_timedelta

from survey.auth.access import ADMIN, requires
from survey.jobs import messages, queries
from survey.problems import describe

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _duration(job) -> str:
    if job.started_at is None or job.finished_at is None:
        return ""
    return format_timedelta(job.finished_at - job.started_at, threshold=10)


@bp.route("/")
@requires(*ADMIN)
def list_jobs():
    return render_template("jobs/list.html", jobs=queries.query_recent_jobs(), duration=_duration,
                           kinds=messages.KIND_LABELS, states=messages.STATE_LABELS,
                           describe=describe)
