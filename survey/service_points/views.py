from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from wtforms import SelectChoice

from survey.auth.access import ADMIN, ALL_STAFF, requires
from survey.i18n_lazy import _, ngettext
from survey.problems import describe
from survey.questionnaires import localized
from survey.service_points import messages as _service_point_texts  # noqa: F401  (registers the texts)
from survey.service_points import operations, queries
from survey.service_points.codes import normalise_code
from survey.service_points.forms import KIND_LABELS, DeleteForm, ImportForm, ServicePointForm
from survey.startup import registry
from survey.units.queries import query_units_on

bp = Blueprint("service_points", __name__, url_prefix="/service-points")


def _fill_choices(form, lang):
    units = query_units_on(date.today())
    form.unit_id.choices = [SelectChoice(u.id, f"{u.code} · {u.name}")
                            for u in units if u.level != "district"]
    form.questionnaire_id.choices = [SelectChoice("", _("Default for this kind"))] + [
        SelectChoice(q.id, f"{q.id} · {localized(q.title, lang)}") for q in registry().latest()]


def _data(form) -> operations.ServicePointData:
    return operations.ServicePointData(
        code=normalise_code(form.code.data or ""), name=form.name.data or "",
        kind=form.kind.data, unit_id=form.unit_id.data, questionnaire_id=form.questionnaire_id.data,
        active=form.active.data, opening_hours=form.opening_hours.data or "")


def _edit(form, current):
    _fill_choices(form, str(get_locale()))
    if form.validate_on_submit():
        data = _data(form)
        problems = operations.check(data, current)
        for problem in problems:
            getattr(form, problem.field).errors.append(describe(problem))
        if not problems:
            saved = operations.save(data, current)
            flash(_("Service point %(code)s saved.", code=saved.code), "success")
            return redirect(url_for("service_points.list_service_points"))
    status = 400 if request.method == "POST" else 200
    return render_template("service_points/edit.html", form=form, current=current), status


@bp.route("/")
@requires(*ALL_STAFF)
def list_service_points():
    kind = request.args.get("kind") or None
    rows = queries.query_service_points(kind=kind if kind in KIND_LABELS else None)
    return render_template("service_points/list.html", rows=rows, kinds=KIND_LABELS, kind=kind)


@bp.route("/new", methods=["GET", "POST"])
@requires(*ADMIN)
def new_service_point():
    return _edit(ServicePointForm(), None)


@bp.route("/<int:service_point_id>/edit", methods=["GET", "POST"])
@requires(*ADMIN)
def edit_service_point(service_point_id):
    current = queries.query_service_point(service_point_id) or abort(404)
    return _edit(ServicePointForm(obj=current), current)


@bp.route("/<int:service_point_id>/delete", methods=["POST"])
@requires(*ADMIN)
def delete_service_point(service_point_id):
    current = queries.query_service_point(service_point_id) or abort(404)
    if not DeleteForm().validate_on_submit():
        abort(400)
    if operations.delete(current):
        flash(_("Service point %(code)s deleted.", code=current.code), "success")
    else:
        flash(_("Service point %(code)s has responses, so it cannot be deleted. "
                "Make it inactive instead.", code=current.code), "error")
    return redirect(url_for("service_points.list_service_points"))


@bp.route("/import", methods=["GET", "POST"])
@requires(*ADMIN)
def import_service_points():
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        count, problems = operations.import_csv(form.file.data.read())
        if not problems:
            flash(ngettext("%(num)d service point imported.", "%(num)d service points imported.",
                           count), "success")
            return redirect(url_for("service_points.list_service_points"))
    messages = [(p.line, describe(p, columns=",".join(operations.CSV_HEADER)), p.detail)
                for p in problems]
    status = 400 if request.method == "POST" else 200
    return render_template("service_points/import.html", form=form, problems=messages,
                           header=",".join(operations.CSV_HEADER)), status
