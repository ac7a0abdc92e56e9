from datetime import date

from flask import Blueprint, abort, render_template, request

from survey.auth.access import ALL_STAFF, requires
from survey.i18n_lazy import _
from survey.units import messages as _unit_texts  # noqa: F401  (registers the texts)
from survey.units import queries

bp = Blueprint("units", __name__, url_prefix="/units")


def _requested_day() -> tuple[date, str | None]:
    raw = request.args.get("on", "")
    if not raw:
        return date.today(), None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return date.today(), _("“%(value)s” is not a date; showing today's units.", value=raw)


@bp.route("/")
@requires(*ALL_STAFF)
def list_units():
    day, error = _requested_day()
    units = queries.query_units_on(day)
    return render_template("units/list.html", units=units, day=day, date_error=error)


@bp.route("/<int:unit_id>")
@requires(*ALL_STAFF)
def show_unit(unit_id):
    unit = queries.query_unit_by_id(unit_id) or abort(404)
    return render_template(
        "units/show.html",
        unit=unit,
        parent=queries.query_unit_by_id(unit.parent_id) if unit.parent_id else None,
        children=queries.query_children(unit),
        successor=queries.query_successor(unit),
        predecessors=queries.query_predecessors(unit),
        former_districts=queries.query_former_districts(unit),
        population=queries.query_population(unit),
    )
