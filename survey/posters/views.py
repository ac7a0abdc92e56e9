"""Posters with QR codes for service points (A4/A5, SVG), and the bare QR codes.

Every file is made on request from the current name and code, so renaming a service point
never leaves a stale stored poster behind. Options come as ?size=a4|a5 and ?en=1.
"""
from datetime import date

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from survey.auth.access import MANAGERS, requires
from survey.i18n_lazy import _
from survey.posters import documents
from survey.posters.layout import PAPERS, Paper
from survey.posters.qr import qr_png, qr_svg
from survey.posters.queries import query_unit_points, query_units_with_points
from survey.service_points.queries import query_service_point
from survey.units.queries import query_unit_by_id, query_unit_scope

bp = Blueprint("posters", __name__, url_prefix="/posters")


def _stop(status: int, message: str):
    """Abort with the error page carrying a message that says what to change."""
    abort(make_response(render_template("errors/error.html", status=status, message=message), status))


def _options() -> tuple[Paper, bool]:
    raw = request.args.get("size", "a4")
    paper = PAPERS.get(raw.lower())
    if paper is None:
        _stop(400, _("Unknown paper size “%(value)s”. Choose A4 or A5.", value=raw))
    return paper, request.args.get("en") == "1"


def _file(data: bytes, mimetype: str, filename: str, attachment: bool = False) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"'})


def _in_scope(unit_id: int) -> bool:
    """A supervisor prints posters of their own units only; an admin of every unit."""
    scope = query_unit_scope(current_user)
    return scope is None or unit_id in scope


def _point(service_point_id: int):
    point = query_service_point(service_point_id)
    if point is None or not _in_scope(point.unit_id):
        abort(404)
    return point


def _unit_points(unit_id: int):
    """The unit and its active points (to print), and its inactive ones (to name as left out)."""
    unit = query_unit_by_id(unit_id)
    if unit is None or not _in_scope(unit.id):
        abort(404)
    points = query_unit_points(unit.id)
    active = [point for point in points if point.active]
    if not active:
        _stop(404, _("%(unit)s has no active service points, so there is no poster to print.",
                     unit=unit.name))
    return unit, active, [point for point in points if not point.active]


def _print_page(paper, english, heading, layouts, warnings):
    trial = documents.trial_mark()
    if trial:
        warnings = [*warnings, _loopback_warning()]
    return render_template("posters/print.html", paper=paper, english=english, heading=heading,
                           layouts=layouts, warnings=warnings, trial=trial)


def _loopback_warning() -> str:
    return _("The QR codes open %(url)s, an address of this computer only: a phone cannot reach it. "
             "These posters are marked as trial prints. Set SURVEY_PUBLIC_BASE_URL to the public "
             "address before printing posters to hang.", url=current_app.config["PUBLIC_BASE_URL"])


@bp.route("/")
@requires(*MANAGERS)
def list_posters():
    paper, english = _options()
    scope = query_unit_scope(current_user)
    groups = [(unit, points) for unit, points in query_units_with_points(date.today())
              if scope is None or unit.id in scope]
    warning = _loopback_warning() if documents.base_url_is_loopback() else None
    return render_template("posters/list.html", groups=groups,
                           paper=paper, english=english, papers=PAPERS, warning=warning)


@bp.route("/<int:service_point_id>.svg")
@requires(*MANAGERS)
def show_poster(service_point_id):
    point = _point(service_point_id)
    paper, english = _options()
    svg = documents.poster_file(point, query_unit_by_id(point.unit_id), paper, english)
    return _file(svg, "image/svg+xml", f"{point.code}-{paper.name}.svg")


@bp.route("/<int:service_point_id>/print")
@requires(*MANAGERS)
def print_poster(service_point_id):
    point = _point(service_point_id)
    paper, english = _options()
    layout = documents.point_layout(point, query_unit_by_id(point.unit_id), paper, english)
    warnings = [] if point.active else [
        _("%(code)s is inactive: its QR code tells citizens that ratings are not being "
          "collected. Make it active before hanging this poster.", code=point.code)]
    return _print_page(paper, english, point.name, [layout], warnings)


@bp.route("/<int:service_point_id>/qr.png")
@requires(*MANAGERS)
def show_qr_png(service_point_id):
    point = _point(service_point_id)
    return _file(qr_png(documents.point_url(point)), "image/png", f"qr-{point.code}.png")


@bp.route("/<int:service_point_id>/qr.svg")
@requires(*MANAGERS)
def show_qr_svg(service_point_id):
    point = _point(service_point_id)
    paper, _english = _options()
    svg = qr_svg(documents.point_url(point), paper.module_mm)
    return _file(svg, "image/svg+xml", f"qr-{point.code}.svg")


@bp.route("/unit/<int:unit_id>.zip")
@requires(*MANAGERS)
def download_unit_posters(unit_id):
    unit, active, _inactive = _unit_points(unit_id)
    paper, english = _options()
    return _file(documents.posters_zip(active, unit, paper, english), "application/zip",
                 f"posters-{unit.code}-{paper.name}.zip", attachment=True)


@bp.route("/unit/<int:unit_id>/print")
@requires(*MANAGERS)
def print_unit_posters(unit_id):
    unit, active, inactive = _unit_points(unit_id)
    paper, english = _options()
    layouts = [documents.point_layout(point, unit, paper, english) for point in active]
    warnings = [_("Inactive service points are left out: %(codes)s.",
                  codes=", ".join(point.code for point in inactive))] if inactive else []
    return _print_page(paper, english, unit.name, layouts, warnings)
