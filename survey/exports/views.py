"""Export pages (statisticians and admins): streamed CSV, background files with progress, codebook."""
import io

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from survey.auth.access import requires
from survey.db import get_session
from survey.estimates.dataset import Inclusion
from survey.exports import operations, queries, rows, tables, writers
from survey.exports.cells import spreadsheet_frame
from survey.exports.forms import ExportJobForm
from survey.jobs.messages import ERROR_CODES
from survey.problems import describe

bp = Blueprint("exports", __name__, url_prefix="/exports")
EXPORTERS = ("admin", "statistician")


def inclusion_from(args) -> Inclusion:
    """`include_flagged=1`, `include_unverified=1|0` (absent: the wave's rule)."""
    unverified = args.get("include_unverified")
    return Inclusion(args.get("include_flagged") in ("1", "true", "y"),
                     None if unverified in (None, "") else unverified in ("1", "true", "y"))


def wave_or_404(wave_id: int):
    return queries.query_wave(wave_id) or abort(404)


def csv_response(wave, inclusion: Inclusion, bom: bool = True) -> Response:
    """The response-level CSV, streamed chunk by chunk (no file, no time-out on a million rows)."""
    session = get_session()
    try:
        source = rows.open_source(session, wave, inclusion)
    except LookupError:
        abort(409)
    body = writers.csv_stream(source.variables, rows.iter_chunks(session, source), bom=bom)
    return Response(stream_with_context(body), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{wave.code}-responses.csv"'})


def frame_download(frame, name: str, fmt: str) -> Response:
    """A small table (codebook, results) as CSV (UTF-8 with BOM) or XLSX."""
    if fmt == "csv":
        body = writers.BOM + spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n")
        return Response(body.encode(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    buffer = io.BytesIO()
    writers.write_tables(buffer, [(name[:31], frame)])
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _job_form() -> ExportJobForm:
    form = ExportJobForm()
    form.wave_id.choices = [(w.id, f"{w.code} · {w.name}") for w in queries.query_waves()]
    return form


def _index(form, status=200):
    return render_template("exports/index.html", waves=queries.query_waves(), form=form,
                           jobs=queries.query_jobs(current_user), state=queries.job_state,
                           percent=queries.progress_percent), status


def file_response(path, download_name: str) -> Response:
    """Send a finished export file in pieces; the file is opened only once the body is read."""
    def pieces():
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                yield block

    return Response(pieces(), mimetype="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{download_name}"',
        "Content-Length": str(path.stat().st_size)})


@bp.route("/")
@requires(*EXPORTERS)
def list_exports():
    return _index(_job_form())


@bp.route("/jobs", methods=["POST"])
@requires(*EXPORTERS)
def start_job():
    form = _job_form()
    if not form.validate_on_submit():
        return _index(form, 400)
    wave = wave_or_404(form.wave_id.data)
    job = operations.create_job(wave, form.format.data, current_user.id, form.include_flagged.data,
                                {"": None, "1": True, "0": False}[form.include_unverified.data])
    return redirect(url_for("exports.show_job", job_id=job.id))


@bp.route("/waves/<int:wave_id>/responses.csv")
@requires(*EXPORTERS)
def download_responses_csv(wave_id):
    return csv_response(wave_or_404(wave_id), inclusion_from(request.args))


@bp.route("/waves/<int:wave_id>/codebook.csv")
@requires(*EXPORTERS)
def download_codebook(wave_id):
    wave = wave_or_404(wave_id)
    source_variables = rows.wave_variables(wave) or abort(409)
    return frame_download(tables.codebook_frame(source_variables), f"{wave.code}-codebook", "csv")


def _results(wave_id, fmt):
    wave = wave_or_404(wave_id)
    by = request.args.get("by") or None
    if by not in tables.RESULT_BREAKDOWNS:
        abort(400)
    frame = tables.results_frame(get_session(), wave, by, inclusion_from(request.args))
    return frame_download(frame, f"{wave.code}-results-{by or 'overall'}", fmt)


@bp.route("/waves/<int:wave_id>/results.csv")
@requires(*EXPORTERS)
def download_results_csv(wave_id):
    return _results(wave_id, "csv")


@bp.route("/waves/<int:wave_id>/results.xlsx")
@requires(*EXPORTERS)
def download_results_xlsx(wave_id):
    return _results(wave_id, "xlsx")


@bp.route("/jobs/<int:job_id>")
@requires(*EXPORTERS)
def show_job(job_id):
    job = queries.query_job(job_id, current_user) or abort(404)
    # A generic failure keeps the export's own wording; the queue's other codes say what happened.
    job_errors = {code: describe(code) for code in ERROR_CODES if code != "job.failed"}
    return render_template("exports/job.html", job=job, wave=queries.query_wave(job.wave_id),
                           state=queries.job_state(job), percent=queries.progress_percent(job),
                           job_errors=job_errors)


@bp.route("/jobs/<int:job_id>/file")
@requires(*EXPORTERS)
def download_job_file(job_id):
    job = queries.query_job(job_id, current_user) or abort(404)
    path = queries.job_file(job)
    if path is None:
        abort(404)
    return file_response(path, job.file_name)

