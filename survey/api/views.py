"""JSON endpoints for scripts (results, codebook, exports) and the token pages for people."""
from flask import Blueprint, abort, g, jsonify, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.api import messages as _api_texts  # noqa: F401  (registers the texts)
from survey.api.auth import api_requires
from survey.api.openapi import document
from survey.auth import csrf
from survey.auth.access import public
from survey.db import get_session
from survey.errors import http_code
from survey.exports import operations, queries, tables
from survey.exports.rows import wave_variables
from survey.exports.views import EXPORTERS, csv_response, file_response, inclusion_from
from survey.models.exports import EXPORT_FORMATS
from survey.problems import Problem, json_error, json_object

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # token calls carry no cookie; session calls are checked in api_requires
READERS = EXPORTERS


@bp.errorhandler(CSRFError)
def csrf_failed(_exc):
    return json_error(400, "request.csrf")


@bp.errorhandler(HTTPException)
def http_failed(exc):
    return json_error(exc.code or 500, http_code(exc.code))


def _wave(wave_id):
    return queries.query_wave(wave_id) or abort(404)


def _wave_json(wave):
    return {"id": wave.id, "code": wave.code, "name": wave.name, "questionnaire_id": wave.questionnaire_id,
            "questionnaire_version": wave.questionnaire_version, "mode": wave.mode,
            "period_start": wave.period_start.isoformat(), "period_end": wave.period_end.isoformat(),
            "count_unverified_paper": wave.count_unverified_paper}


def _job_json(job):
    state = queries.job_state(job)
    body = {"id": job.id, "wave_id": job.wave_id, "format": job.format, "status": state,
            "rows_done": job.rows_done, "rows_total": job.rows_total, "error": job.error,
            "status_url": url_for("api.get_export", job_id=job.id)}
    if state == "done":
        body["file_url"] = url_for("api.get_export_file", job_id=job.id)
    return body


def _flag(name):
    raw = request.args.get(name)
    if raw not in (None, "", "0", "1", "true", "false"):
        abort(json_error(400, "request.bad_flag", [Problem("request.bad_flag", name)]))
    return raw


@bp.route("/openapi.json")
@public
def openapi():
    return jsonify(document())


@bp.route("/v1/waves")
@api_requires(*READERS)
def list_waves():
    return jsonify({"waves": [_wave_json(w) for w in queries.query_waves()]})


@bp.route("/v1/waves/<int:wave_id>/results")
@api_requires(*READERS)
def get_results(wave_id):
    wave = _wave(wave_id)
    by = request.args.get("by") or None
    if by not in tables.RESULT_BREAKDOWNS:
        return json_error(400, "request.bad_breakdown",
                     allowed=[b for b in tables.RESULT_BREAKDOWNS if b])
    _flag("include_flagged"), _flag("include_unverified")
    frame = tables.results_frame(get_session(), wave, by, inclusion_from(request.args))
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return jsonify({"wave": _wave_json(wave), "by": by, "rows": rows})


@bp.route("/v1/waves/<int:wave_id>/codebook")
@api_requires(*READERS)
def get_codebook(wave_id):
    variables = wave_variables(_wave(wave_id))
    if variables is None:
        return json_error(409, "wave.questionnaire_missing")
    return jsonify({"variables": tables.codebook_frame(variables).to_dict(orient="records")})


@bp.route("/v1/waves/<int:wave_id>/responses.csv")
@api_requires(*READERS)
def get_responses_csv(wave_id):
    wave = _wave(wave_id)
    _flag("include_flagged"), _flag("include_unverified")
    return csv_response(wave, inclusion_from(request.args), bom=request.args.get("bom") != "0")


@bp.route("/v1/waves/<int:wave_id>/exports", methods=["POST"])
@api_requires(*READERS)
def create_export(wave_id):
    wave = _wave(wave_id)
    body = json_object()
    fmt = body.get("format", request.form.get("format"))
    if fmt not in EXPORT_FORMATS:
        return json_error(400, "request.bad_format", allowed=list(EXPORT_FORMATS))
    flagged, unverified = body.get("include_flagged", False), body.get("include_unverified")
    if not isinstance(flagged, bool) or not isinstance(unverified, bool | None):
        return json_error(400, "request.bad_option")
    job = operations.create_job(wave, fmt, g.api_user.id, flagged, unverified)
    return jsonify(_job_json(job)), 202


@bp.route("/v1/exports/<int:job_id>")
@api_requires(*READERS)
def get_export(job_id):
    job = queries.query_job(job_id, g.api_user) or abort(404)
    return jsonify(_job_json(job))


@bp.route("/v1/exports/<int:job_id>/file")
@api_requires(*READERS)
def get_export_file(job_id):
    job = queries.query_job(job_id, g.api_user) or abort(404)
    path = queries.job_file(job)
    if path is None:
        return json_error(409, "export.not_ready", job_status=queries.job_state(job))
    return file_response(path, job.file_name)
