"""Results, the target dashboard, charts, Decision 766 counts and the public transparency page.

Views call `survey.estimates` only and format what it returns; they compute no statistics.
"""
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_percent, get_locale
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import public, requires
from survey.db import get_session
from survey.estimates import DesignProblem, Inclusion
from survey.estimates.dashboard import answer_distribution, target_dashboard
from survey.estimates.results import TARGET, demographic_items, headline_of, indicators, scale_points
from survey.estimates.snapshots import results_for
from survey.i18n import format_number
from survey.i18n_lazy import _, ngettext
from survey.problems import describe
from survey.questionnaires import localized
from survey.results import charts, operations
from survey.results.forms import D766Form, D766ImportForm
from survey.results.messages import (
    BY_LABELS,
    NO_VARIANCE_FLAGS,
    PSI_NOTES,
    STATUS_LABELS,
    describe_index,
    flag_text,
)
from survey.units.queries import query_units_on
from survey.waves import messages as _wave_texts  # noqa: F401  (registers the texts)
from survey.waves import queries as wave_queries

bp = Blueprint("results", __name__)
READERS = ("admin", "statistician", "viewer")
STATISTICS = ("admin", "statistician")
MIN_PUBLIC_N = 30
CHARTS = ("units", "trend", "items")
REFRESH_SECONDS = 15  # how often the "being computed" page reloads itself


def _lang() -> str:
    return str(get_locale())


def pct(value) -> str:
    if value is None or value != value:
        return "–"
    return format_percent(value, "#,##0.0%")


def bounded(low, high) -> bool:
    """Whether a 95% CI has both bounds: one response, or a variance of 0, leaves it without."""
    return not any(bound is None or bound != bound for bound in (low, high))


def interval(low, high, show=pct) -> str:
    """A 95% CI as "low – high", or plain words when it has no bounds."""
    return f"{show(low)} – {show(high)}" if bounded(low, high) else _("cannot be computed")


@bp.context_processor
def _formatters():
    return {"pct": pct, "interval": interval, "bounded": bounded, "one_decimal": _one_decimal}


def _one_decimal(value) -> str:
    return format_number(value, 1)


def _headline_rule(wave) -> str | None:
    """'How the headline index is computed', shown on every results page."""
    found = indicators(wave, _lang())
    headline = headline_of(found)
    if headline is None:
        return None
    return _("How the headline index is computed: %(rule)s",
             rule=describe_index(headline, found, scale_points(wave)))


def _alternatives(wave, table, overview):
    """The headline's whole-wave row and those of its alternative definitions, with their rules."""
    headline = table.headline
    if headline is None:
        return []
    wanted = [headline] + [i for i in table.indicators if i.alternative_to == headline.id]
    rows = {r.indicator: r for r in overview.rows}
    points = scale_points(wave)
    return [(i, rows.get(i.id), describe_index(i, table.indicators, points)) for i in wanted]


def _wave_for_reader(wave_id):
    wave = wave_queries.query_wave(wave_id) or abort(404)
    if current_user.role not in STATISTICS and not wave_queries.query_design(wave).published:
        abort(404)
    return wave


def _inclusion() -> Inclusion:
    unverified = request.args.get("unverified")
    return Inclusion(include_flagged=request.args.get("flagged") == "1",
                     include_unverified=None if unverified not in ("0", "1") else unverified == "1")


def _by_choices(wave):
    choices = dict(BY_LABELS)
    for item in demographic_items(wave):
        choices[item.id] = localized(item.text, _lang())
    return choices


@bp.route("/results/<int:wave_id>")
@requires(*READERS)
def show_results(wave_id):
    wave = _wave_for_reader(wave_id)
    choices = _by_choices(wave)
    by = request.args.get("by", "commune")
    if by not in choices:
        abort(400)
    inclusion = _inclusion()
    served = results_for(get_session(), wave, [by, None] if by else [None], inclusion, _lang())
    waiting = _waiting(wave, served)
    if waiting:
        return waiting
    table, overview = served[0].table, served[-1].table
    indicator_id = request.args.get("indicator") or (table.headline.id if table.headline else "")
    indicator = table.indicator(indicator_id)
    if table.indicators and indicator is None:
        abort(400)
    rows = table.for_indicator(indicator_id)
    psi_sources = {r.fh_psi for r in rows if r.fh_estimate is not None}
    can_compare = current_user.role in STATISTICS
    show_alternatives = can_compare and request.args.get("alternatives") == "1"
    return render_template(
        "results/show.html", wave=wave, table=table, by=by, choices=choices, indicator=indicator,
        headline_rule=_headline_rule(wave), show_alternatives=show_alternatives, can_compare=can_compare,
        alternatives=_alternatives(wave, table, overview) if show_alternatives else [],
        has_alternatives=any(i.alternative_to for i in table.indicators),
        rows=rows, inclusion=inclusion.resolved(wave), no_variance_flags=NO_VARIANCE_FLAGS,
        single_psu=any("single_psu" in r.flags.split(";") for r in rows),
        fh_notes=[PSI_NOTES[k] for k in PSI_NOTES if k in psi_sources],
        status_labels=STATUS_LABELS, flag_text=flag_text, target=TARGET,
        problem=describe(table.problem) if table.problem else None, overview=overview,
        stale=_stale_notice(served))


def _waiting(wave, served):
    """The "being computed" page (202, reloads itself) while a large wave has no table yet, or the
    failure page (503) when its computation failed; None when every table can be shown."""
    if all(s.table is not None for s in served):
        return None
    failed = any(s.state == "failed" for s in served)
    return render_template("results/computing.html", wave=wave, failed=failed,
                           refresh=REFRESH_SECONDS), 503 if failed else 202


def _stale_notice(served) -> str | None:
    """The notice over figures computed before the latest responses or design change."""
    stale = [s for s in served if s.state == "stale"]
    if not stale:
        return None
    when = format_datetime(min(s.as_of for s in stale), "short")
    if any(s.error for s in stale):
        return _("These figures are as of %(time)s. Updating them with the latest responses failed; "
                 "it will be tried again in a few minutes.", time=when)
    return _("These figures are as of %(time)s and are being updated with the latest responses. "
             "Reload the page in a few minutes to see the new figures.", time=when)


@bp.route("/results/<int:wave_id>/dashboard")
@requires(*READERS)
def dashboard(wave_id):
    wave = _wave_for_reader(wave_id)
    level = request.args.get("level", "commune")
    if level not in ("commune", "district"):
        abort(400)
    board = target_dashboard(get_session(), wave, level, _inclusion(), _lang())
    return render_template("results/dashboard.html", wave=wave, board=board, level=level,
                           headline_rule=_headline_rule(wave),
                           status_labels=STATUS_LABELS, flag_text=flag_text, target=TARGET,
                           problem=describe(board.problem) if board.problem else None)


def _board_or_problem(session, wave, level, lang):
    board = target_dashboard(session, wave, level, _inclusion(), lang)
    if board.problem:
        raise board.problem
    return board


def _chart(wave, name):
    session, lang = get_session(), _lang()
    if name == "units":
        level = request.args.get("level", "commune")
        if level not in ("commune", "district"):
            abort(400)
        board = _board_or_problem(session, wave, level, lang)
        rows = [u.survey for u in board.units if u.survey.n]
        title = _("%(index)s by %(level)s, wave %(code)s", index=board.indicator_label,
                  level=str(BY_LABELS[level]).lower(), code=wave.code)
        desc = _("Units sorted from highest to lowest estimate. Each dot is the estimate and the line "
                 "its 95%% confidence interval; the dashed line is the %(target)s target.",
                 target=pct(TARGET))
        return charts.units_chart(title, desc, rows, TARGET, pct)
    if name == "trend":
        board = _board_or_problem(session, wave, "commune", lang)
        title = _("%(index)s by month, wave %(code)s", index=board.indicator_label, code=wave.code)
        desc = _("Monthly estimate joined by a line; the shaded band is its 95%% confidence interval "
                 "and the dashed line the %(target)s target.", target=pct(TARGET))
        return charts.trend_chart(title, desc, board.trend, TARGET, pct)
    items = answer_distribution(session, wave, _inclusion(), lang)
    title = _("Answers to each item, wave %(code)s", code=wave.code)
    desc = _("For each item, one bar split into the weighted shares of each answer, from the lowest "
             "to the highest answer.")
    return charts.distribution_chart(title, desc, items, pct)


@bp.route("/results/<int:wave_id>/charts/<name>.<fmt>")
@requires(*READERS)
def chart(wave_id, name, fmt):
    wave = _wave_for_reader(wave_id)
    if name not in CHARTS or fmt not in ("svg", "png"):
        abort(404)
    try:
        drawn = _chart(wave, name)
    except DesignProblem as problem:  # the charts page says why; a file has nothing to show
        return render_template("errors/error.html", status=409, message=describe(problem)), 409
    filename = f"{wave.code}-{name}.{fmt}"
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    if request.args.get("download") == "1":
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if fmt == "svg":
        return Response(charts.to_svg(drawn), mimetype="image/svg+xml", headers=headers)
    return Response(charts.to_png(drawn), mimetype="image/png", headers=headers)


@bp.route("/results/<int:wave_id>/charts")
@requires(*READERS)
def chart_page(wave_id):
    wave = _wave_for_reader(wave_id)
    try:
        items = answer_distribution(get_session(), wave, _inclusion(), _lang())
        board = target_dashboard(get_session(), wave, "commune", _inclusion(), _lang())
    except DesignProblem as problem:
        return render_template("results/charts.html", wave=wave, problem=describe(problem))
    if board.problem:
        return render_template("results/charts.html", wave=wave, problem=describe(board.problem))
    return render_template("results/charts.html", wave=wave, items=items, board=board,
                           headline_rule=_headline_rule(wave),
                           query=request.query_string.decode())


@bp.route("/d766", methods=["GET", "POST"])
@requires(*READERS)
def list_d766():
    form = D766Form()
    units = [u for u in query_units_on(date.today()) if u.level != "district"]
    form.unit_id.choices = [SelectChoice(u.id, f"{u.code} · {u.name}") for u in units]
    if request.method == "POST":
        if current_user.role not in STATISTICS:
            abort(403)
        if form.validate_on_submit():
            month = operations.parse_month(form.month.data)
            if month is None:
                form.month.errors.append(describe("d766.bad_month"))
            elif form.negative.data > form.dossiers.data:
                form.negative.errors.append(describe("d766.negative_above_total"))
            else:
                operations.save_counts({(form.unit_id.data, month): (form.dossiers.data, form.negative.data)})
                flash(_("Counts saved."), "success")
                return redirect(url_for("results.list_d766"))
    status = 400 if request.method == "POST" else 200
    return render_template("results/d766.html", form=form, rows=operations.query_counts(),
                           can_edit=current_user.role in STATISTICS), status


@bp.route("/d766/import", methods=["GET", "POST"])
@requires(*STATISTICS)
def import_d766():
    form, problems = D766ImportForm(), []
    if form.validate_on_submit():
        count, problems = operations.import_csv(form.file.data.read())
        if not problems:
            flash(ngettext("%(num)d monthly count imported.", "%(num)d monthly counts imported.", count),
                  "success")
            return redirect(url_for("results.list_d766"))
    header = ",".join(operations.D766_HEADER)
    messages = [(p.line, describe(p.code, columns=header), p.detail) for p in problems]
    status = 400 if request.method == "POST" else 200
    return render_template("results/d766_import.html", form=form, problems=messages, header=header), status


@bp.route("/minh-bach/<int:wave_id>")
@public
def public_results(wave_id):
    wave = wave_queries.query_wave(wave_id) or abort(404)
    design = wave_queries.query_design(wave)
    if not (design.published and design.public):
        abort(404)
    served = results_for(get_session(), wave, ["commune", None], Inclusion(), _lang())
    waiting = _waiting(wave, served)
    if waiting:
        return waiting
    table, overall = served[0].table, served[1].table
    headline = table.headline
    rows = table.for_indicator(headline.id) if headline else []
    shown = [(r, r.n >= MIN_PUBLIC_N and not r.flags) for r in rows if r.n]
    first = overall.for_indicator(headline.id) if headline else []
    return render_template("results/public.html", wave=wave, rows=shown, headline=headline,
                           headline_rule=_headline_rule(wave),
                           stale=_stale_notice(served),
                           overall=first[0] if first else None, target=TARGET,
                           status_labels=STATUS_LABELS, min_n=MIN_PUBLIC_N)
