"""Waves and their sampling design, for statisticians and admins; the wave list for leaders too."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from wtforms import SelectChoice

from survey.auth.access import requires
from survey.db import get_session
from survey.estimates.dataset import Inclusion
from survey.estimates.review import weights_review
from survey.i18n_lazy import _, ngettext
from survey.problems import describe
from survey.questionnaires import localized
from survey.startup import registry
from survey.units.queries import query_unit_names
from survey.waves import messages as _wave_texts  # noqa: F401  (registers the texts)
from survey.waves import operations, queries
from survey.waves.forms import (
    MODE_LABELS,
    ActionForm,
    DesignForm,
    PublishForm,
    StratumSizeForm,
    UploadForm,
    WaveForm,
)

bp = Blueprint("waves", __name__, url_prefix="/waves")
STATISTICS = ("admin", "statistician")
READERS = ("admin", "statistician", "viewer")


def _wave_or_404(wave_id):
    return queries.query_wave(wave_id) or abort(404)


def _status(form_posted: bool) -> int:
    return 400 if form_posted and request.method == "POST" else 200


@bp.route("/")
@requires(*READERS)
def list_waves():
    waves = queries.query_waves() if current_user.role in STATISTICS else queries.published_waves()
    designs = {w.id: queries.query_design(w) for w in waves}
    return render_template("waves/list.html", waves=waves, designs=designs)


def _edit_wave(form, current):
    lang = str(get_locale())
    form.questionnaire_id.choices = [SelectChoice(q.id, f"{q.id} · {localized(q.title, lang)}")
                                     for q in registry().latest()]
    if form.validate_on_submit():
        data = operations.WaveData(form.code.data.strip(), form.name.data.strip(), form.questionnaire_id.data,
                                   form.period_start.data, form.period_end.data, form.mode.data,
                                   form.count_unverified_paper.data)
        problems = operations.check_wave(data, current)
        for problem in problems:
            getattr(form, problem.field).errors.append(describe(problem.code))
        if not problems:
            wave = operations.save_wave(data, current, current_user.id)
            flash(_("Wave %(code)s saved.", code=wave.code), "success")
            return redirect(url_for("waves.show_wave", wave_id=wave.id))
    return render_template("waves/edit.html", form=form, current=current), _status(True)


@bp.route("/new", methods=["GET", "POST"])
@requires(*STATISTICS)
def new_wave():
    return _edit_wave(WaveForm(), None)


@bp.route("/<int:wave_id>/edit", methods=["GET", "POST"])
@requires(*STATISTICS)
def edit_wave(wave_id):
    wave = _wave_or_404(wave_id)
    return _edit_wave(WaveForm(obj=wave), wave)


@bp.route("/<int:wave_id>", methods=["GET", "POST"])
@requires(*STATISTICS)
def show_wave(wave_id):
    """The design page: strata, PSU, calibration, trimming; frame and margins summaries."""
    wave = _wave_or_404(wave_id)
    design = queries.query_design(wave)
    form = DesignForm(obj=design)
    margins = queries.query_margins(wave)
    if form.validate_on_submit():
        data = operations.DesignData(form.stratify_by.data, form.psu.data, form.calibration.data,
                                     form.trim_low.data, form.trim_high.data)
        problems = operations.check_design(wave, data, {m.item_id for m in margins})
        for problem in problems:
            getattr(form, problem.field).errors.append(describe(problem.code))
        if not problems:
            operations.save_design(wave, data)
            flash(_("Design saved."), "success")
            return redirect(url_for("waves.show_wave", wave_id=wave.id))
    return render_template("waves/show.html", wave=wave, design=design, form=form, mode_labels=MODE_LABELS,
                           strata=queries.query_strata(wave), margins=margins, unit_names=query_unit_names(),
                           publish=PublishForm(obj=design), census=ActionForm(prefix="census"),
                           ), _status(True)


def _problems(problems, header):
    return [(p.line, describe(p.code, columns=",".join(header)), p.detail) for p in problems]


@bp.route("/<int:wave_id>/frame", methods=["GET", "POST"])
@requires(*STATISTICS)
def upload_frame(wave_id):
    wave = _wave_or_404(wave_id)
    form, problems = UploadForm(), []
    if form.validate_on_submit():
        count, problems = operations.import_frame(wave, form.file.data.read(), form.file.data.filename or "")
        if not problems:
            flash(ngettext("%(num)d stratum size saved.", "%(num)d stratum sizes saved.", count), "success")
            return redirect(url_for("waves.show_wave", wave_id=wave.id))
    return render_template("waves/upload.html", wave=wave, form=form, kind="frame",
                           problems=_problems(problems, operations.FRAME_HEADER),
                           header=",".join(operations.FRAME_HEADER)), _status(True)


@bp.route("/<int:wave_id>/frame/census", methods=["POST"])
@requires(*STATISTICS)
def census_frame(wave_id):
    wave = _wave_or_404(wave_id)
    if not ActionForm(prefix="census").validate_on_submit():
        abort(400)
    if queries.query_design(wave).stratify_by == "none":
        flash(describe("frame.no_strata"), "error")
    else:
        count = operations.census_frame(wave)
        flash(ngettext("%(num)d stratum size taken from the 2019 census.",
                       "%(num)d stratum sizes taken from the 2019 census.", count), "success")
        if _missing_strata(wave):  # e.g. the provincial centre's stratum: the census has no count
            return redirect(url_for("waves.review_weights", wave_id=wave.id))
    return redirect(url_for("waves.show_wave", wave_id=wave.id))


def _missing_strata(wave) -> list[str]:
    problem = weights_review(get_session(), wave, Inclusion()).problem
    return list(problem.details["strata"]) if problem and problem.code == "frame.missing_stratum" else []


@bp.route("/<int:wave_id>/frame/stratum", methods=["POST"])
@requires(*STATISTICS)
def set_stratum_size(wave_id):
    wave = _wave_or_404(wave_id)
    form = StratumSizeForm()
    if form.validate_on_submit() and form.stratum.data in _missing_strata(wave):
        operations.set_stratum_size(wave, form.stratum.data, form.population.data)
        flash(_("Population size of stratum %(code)s saved.", code=form.stratum.data), "success")
        return redirect(url_for("waves.review_weights", wave_id=wave.id))
    return _weights_page(wave, size_form=form), 400


@bp.route("/<int:wave_id>/margins", methods=["GET", "POST"])
@requires(*STATISTICS)
def upload_margins(wave_id):
    wave = _wave_or_404(wave_id)
    form, problems = UploadForm(), []
    census, clear = ActionForm(prefix="census"), ActionForm(prefix="clear")
    if request.method == "POST" and census.submit.data and census.validate():
        count = operations.census_ethnicity_margins(wave)
        flash(ngettext("%(num)d ethnicity margin taken from the 2019 census.",
                       "%(num)d ethnicity margins taken from the 2019 census.", count), "success")
        return redirect(url_for("waves.show_wave", wave_id=wave.id))
    if request.method == "POST" and clear.submit.data and clear.validate():
        operations.clear_margins(wave)
        flash(_("Calibration margins removed."), "success")
        return redirect(url_for("waves.show_wave", wave_id=wave.id))
    if form.validate_on_submit():
        count, problems = operations.import_margins(wave, form.file.data.read())
        if not problems:
            flash(ngettext("%(num)d margin saved.", "%(num)d margins saved.", count), "success")
            return redirect(url_for("waves.show_wave", wave_id=wave.id))
    items = operations.calibration_items(wave)
    return render_template("waves/upload.html", wave=wave, form=form, kind="margins", census=census,
                           clear=clear, items=items, lang=str(get_locale()),
                           problems=_problems(problems, operations.MARGIN_HEADER),
                           header=",".join(operations.MARGIN_HEADER)), _status(True)


@bp.route("/<int:wave_id>/weights")
@requires(*STATISTICS)
def review_weights(wave_id):
    return _weights_page(_wave_or_404(wave_id))


def _weights_page(wave, size_form=None):
    review = weights_review(get_session(), wave, Inclusion())
    problem = describe(review.problem) if review.problem else None
    missing = (review.problem.details["strata"]
               if review.problem and review.problem.code == "frame.missing_stratum" else [])
    return render_template("waves/weights.html", wave=wave, design=queries.query_design(wave),
                           review=review, problem=problem, missing=missing,
                           size_form=size_form or StratumSizeForm(formdata=None),
                           unit_names=query_unit_names() if missing else {})


@bp.route("/<int:wave_id>/publish", methods=["POST"])
@requires(*STATISTICS)
def publish_wave(wave_id):
    wave = _wave_or_404(wave_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    operations.set_published(wave, form.published.data, form.public.data)
    flash(_("Publication settings saved."), "success")
    return redirect(url_for("waves.show_wave", wave_id=wave.id))
