"""Supervisor pages: batches and their progress, conflict resolution, clerk error rates, audit trail."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import MANAGERS, requires
from survey.entry import messages as _entry_texts  # noqa: F401  (registers the texts)
from survey.entry import operations, queries
from survey.entry.forms import TYPED, BatchForm, resolve_form_class
from survey.entry.presenting import BLANK, conflict_items, progress_line
from survey.entry.trail import audit_rows
from survey.i18n_lazy import _
from survey.problems import describe
from survey.routing import id_arg
from survey.startup import registry

bp = Blueprint("entry", __name__, url_prefix="/entry")


@bp.route("/batches")
@requires(*MANAGERS)
def list_batches():
    rows = [(batch, wave, unit, queries.progress(batch, queries.query_forms(batch.id)))
            for batch, wave, unit in queries.query_batches(current_user)]
    return render_template("entry/batches.html", rows=rows)


def _edit_batch(form, current):
    units = queries.query_unit_choices(current_user)
    points = {p.id: p for p in queries.query_service_point_choices([u.id for u in units])}
    clerks = queries.query_clerk_choices()
    names = {u.id: u for u in units}
    form.wave_id.choices = [SelectChoice(w.id, f"{w.code} · {w.name}") for w in queries.query_waves()]
    form.unit_id.choices = [SelectChoice(u.id, f"{u.code} · {u.name}") for u in units]
    form.service_point_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(p.id, f"{p.code} · {p.name} ({names[p.unit_id].name})") for p in points.values()]
    form.clerk_ids.choices = [SelectChoice(c.id, c.display_name or c.username) for c in clerks]
    if form.validate_on_submit():
        data = operations.BatchData(form.wave_id.data, form.unit_id.data, form.service_point_id.data,
                                    form.surveyor_name.data, form.form_count.data,
                                    tuple(form.clerk_ids.data or ()))
        problems = operations.batch_problems(data, names, points, [c.id for c in clerks])
        for name, code in problems.items():
            form[name].errors.append(describe(code))
        if not problems:
            batch = operations.save_batch(data, current_user.id, current)
            flash(_("Batch %(id)s saved.", id=batch.id), "success")
            return redirect(url_for("entry.show_batch", batch_id=batch.id))
    status = 400 if request.method == "POST" else 200
    return render_template("entry/batch_edit.html", form=form, current=current), status


@bp.route("/batches/new", methods=["GET", "POST"])
@requires(*MANAGERS)
def new_batch():
    return _edit_batch(BatchForm(), None)


@bp.route("/batches/<int:batch_id>/edit", methods=["GET", "POST"])
@requires(*MANAGERS)
def edit_batch(batch_id):
    batch = queries.query_batch(current_user, batch_id) or abort(404)
    form = BatchForm(obj=batch)
    if request.method == "GET":
        form.clerk_ids.data = [c.id for c in queries.query_clerks(batch.id)]
    return _edit_batch(form, batch)


@bp.route("/batches/<int:batch_id>")
@requires(*MANAGERS)
def show_batch(batch_id):
    batch = queries.query_batch(current_user, batch_id) or abort(404)
    forms = queries.query_forms(batch.id)
    return render_template("entry/batch.html", batch=batch, forms=forms,
                           progress=queries.progress(batch, forms), progress_line=progress_line,
                           clerks=queries.query_clerks(batch.id))


@bp.route("/forms/<int:response_id>/resolve", methods=["GET", "POST"])
@requires(*MANAGERS)
def resolve_form(response_id):
    response, batch = queries.query_form_in_scope(current_user, response_id) or abort(404)
    questionnaire = registry().get(response.questionnaire_id, response.questionnaire_version)
    entries = queries.query_entries(response.id)
    clerks = queries.query_usernames(e.clerk_id for e in entries)
    lang = str(get_locale())
    items = conflict_items(questionnaire, entries, lang)
    form = resolve_form_class(items, lang)()
    status = 200
    if response.verification == "conflict" and form.validate_on_submit():
        chosen = {}
        for item in items:
            pick = form[f"pick_{item.id}"].data
            other = form[f"typed_{item.id}"].data if pick == TYPED else pick
            values = other if isinstance(other, list) else [other]
            chosen[item.id] = [str(v) for v in values if v not in (None, "", BLANK)]
        checked = operations.resolve(response, batch, current_user, chosen)
        if checked.ok:
            flash(_("Paper form %(number)s is verified.", number=response.paper_form_number), "success")
            return redirect(url_for("entry.show_batch", batch_id=batch.id))
        labels = {i.id: i.label for i in items}
        for item_id, code in checked.errors.items():
            form.form_errors.append(f"{labels.get(item_id, item_id)}: {describe(code)}")
            if f"typed_{item_id}" in form:
                form[f"typed_{item_id}"].errors = [describe(code)]
        status = 400
    elif request.method == "POST":
        status = 400 if response.verification == "conflict" else 409
    return render_template("entry/resolve.html", response=response, batch=batch, entries=entries,
                           clerks=clerks, items=items, form=form), status


@bp.route("/clerks")
@requires(*MANAGERS)
def list_clerk_scores():
    return render_template("entry/clerks.html", rows=queries.query_clerk_scores(current_user))


@bp.route("/audit")
@requires(*MANAGERS)
def list_audit():
    batch_id = id_arg("batch")
    events = queries.query_audit(current_user, batch_id)
    rows = audit_rows(events, queries.query_audit_context(events), str(get_locale()))
    return render_template("entry/audit.html", rows=rows, batch_id=batch_id)
