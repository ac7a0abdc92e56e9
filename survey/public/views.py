"""The citizen survey: /q/<code> → one page per section → thanks. No account, no JavaScript needed."""
import re
import uuid

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from survey import responses
from survey.auth.access import public
from survey.forms.builder import FIELD_PREFIX, form_class
from survey.problems import describe
from survey.public import messages as _public_texts  # noqa: F401  (registers the texts)
from survey.public import queries
from survey.public.faces import FACES
from survey.public.first_page import first_page
from survey.public.operations import Refusal, save_page
from survey.startup import registry

bp = Blueprint("public", __name__)
RESPONSE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
HONEYPOT = "website"

STATUS = {"survey.unknown_point": 404, "survey.inactive": 410, "survey.no_questionnaire": 404,
          "survey.bad_link": 404, "survey.rate_limited": 429, "survey.version_changed": 409,
          "survey.already_recorded": 409, "survey.not_started": 409, "survey.dossier_rated": 409}


class Stop(Exception):
    """Stop here and show the citizen the page of problem `code` (at `point` when known)."""

    def __init__(self, code, point=None):
        super().__init__(code)
        self.code, self.point = code, point


@bp.errorhandler(Stop)
def show_problem(stop):
    point = stop.point
    questionnaire = queries.questionnaire_for(point) if point is not None else None
    # A problem page is a place to go on from: its language links lead to the desk's first page.
    return render_template("public/problem.html", message=describe(stop.code), point=point,
                           lang=str(get_locale()), code=stop.code,
                           languages=questionnaire.languages if questionnaire else None,
                           language_base=url_for("public.start", code=point.code) if point else None
                           ), STATUS[stop.code]


def _point_and_questionnaire(code, response=None):
    point = queries.query_service_point(code)
    if point is None:
        raise Stop("survey.unknown_point")
    if not point.active:
        raise Stop("survey.inactive", point)
    if response is not None:
        questionnaire = registry().get(response.questionnaire_id, response.questionnaire_version)
        if questionnaire is None or response.service_point_id != point.id:
            raise Stop("survey.version_changed", point)
        return point, questionnaire
    questionnaire = queries.questionnaire_for(point)
    if questionnaire is None:
        raise Stop("survey.no_questionnaire", point)
    return point, questionnaire


def _language(questionnaire) -> str:
    lang = str(get_locale())
    return lang if lang in questionnaire.languages else questionnaire.languages[0]


def _remember(point, response_uuid, counted):
    """Keep the place of a response that does not count yet; forget it once it counts.

    A counted desk rating is not resumed: the same citizen at the same desk tomorrow starts a
    new rating. The session cookie is rewritten only when something changes.
    """
    progress = session.get("progress", {})
    if counted and point.code in progress:
        session["progress"] = {k: v for k, v in progress.items() if k != point.code}
    elif not counted and progress.get(point.code) != response_uuid:
        session["progress"] = {**progress, point.code: response_uuid}
        session.permanent = True


def _not_asked(section, earlier):
    """Items whose skip logic rests on earlier pages alone and says no: left off the page.

    Conditions on the same page cannot be judged without JavaScript; those items stay, with
    a hint, and the server drops their answers if they do not apply.
    """
    on_page = {item.id for item in section.items}
    return {item.id for item in section.items
            if item.condition is not None and not on_page & set(item.condition.references)
            and not item.condition.holds(earlier)}


def _render(point, questionnaire, lang, response, response_uuid, page, form, status=200,
            **context):
    section = questionnaire.sections[page]
    return render_template(
        "public/page.html", point=point, questionnaire=questionnaire, lang=lang, form=form,
        section=section, page=page, pages=len(questionnaire.sections),
        response_uuid=response_uuid, prefix=FIELD_PREFIX, honeypot=HONEYPOT, faces=FACES,
        not_asked=_not_asked(section, responses.query_answers(response.id)) if response else set(),
        recorded=page > questionnaire.complete_page, **context), status


@bp.route("/q/<code>")
@public
def start(code):
    point, questionnaire = _point_and_questionnaire(code)
    resumed_uuid = session.get("progress", {}).get(point.code)
    resumed = responses.query_response(resumed_uuid) if resumed_uuid else None
    if resumed is not None and resumed.service_point_id == point.id:
        return redirect(url_for("public.answer_page", code=point.code, response_uuid=resumed.uuid,
                                page=resumed.current_page))
    dossier, lang = request.args.get("hs", "")[:40], _language(questionnaire)
    first_section = (questionnaire.sections[0].id,)
    if dossier:  # a dossier code carried in the link: a page for this citizen alone
        form = form_class(questionnaire, lang, first_section)(
            formdata=None, data={FIELD_PREFIX + "dossier_code": dossier})
        return _render(point, questionnaire, lang, None, str(uuid.uuid4()), 0, form)

    def render(response_uuid, token):
        form = form_class(questionnaire, lang, first_section)(formdata=None)
        return _render(point, questionnaire, lang, None, response_uuid, 0, form,
                       csrf_token=lambda: token)[0]

    return first_page((request.path, point, questionnaire.key, lang, str(get_locale())), render)


@bp.route("/q/<code>/<response_uuid>/<int:page>", methods=["GET", "POST"])
@public
def answer_page(code, response_uuid, page):
    if not RESPONSE_ID.match(response_uuid):
        raise Stop("survey.bad_link")
    # A first page sent from a form this browser has not saved yet is new: no need to look it
    # up (a replay from elsewhere still meets the unique response id when it is stored).
    fresh = (request.method == "POST" and page == 0
             and response_uuid not in session.get("progress", {}).values())
    response = None if fresh else responses.query_response(response_uuid)
    point, questionnaire = _point_and_questionnaire(code, response)
    pages = len(questionnaire.sections)
    if response is not None and response.current_page >= pages:
        return redirect(url_for("public.thanks", code=point.code, response_uuid=response_uuid))
    if request.method == "GET":
        expected = response.current_page if response else 0
        if page != expected:
            return redirect(url_for("public.answer_page", code=point.code,
                                    response_uuid=response_uuid, page=expected))
    if page >= pages:
        raise Stop("survey.bad_link", point)
    section, lang = questionnaire.sections[page], _language(questionnaire)
    form = form_class(questionnaire, lang, (section.id,))()
    if request.method == "GET":
        return _render(point, questionnaire, lang, response, response_uuid, page, form)
    if request.form.get("v") != str(questionnaire.version):
        raise Stop("survey.version_changed", point)
    skip = "skip" in request.form
    if not form.validate_on_submit():
        return _render(point, questionnaire, lang, response, response_uuid, page, form, 400)
    checked = form.check(earlier=responses.query_answers(response and response.id))
    if not skip and not checked.ok:
        return _render(point, questionnaire, lang, response, response_uuid, page, form, 400)
    try:
        saved = save_page(questionnaire=questionnaire, service_point=point, response=response,
                          response_uuid=response_uuid, page=page, checked=checked,
                          language=lang, skip=skip,
                          honeypot=bool(request.form.get(HONEYPOT, "").strip()))
    except Refusal as refusal:
        raise Stop(refusal.code, point) from None
    finished = saved.current_page >= pages
    _remember(point, response_uuid, counted=saved.status == "submitted")
    if finished:
        return redirect(url_for("public.thanks", code=point.code, response_uuid=response_uuid), 303)
    return redirect(url_for("public.answer_page", code=point.code, response_uuid=response_uuid,
                            page=saved.current_page), 303)


@bp.route("/q/<code>/<response_uuid>/thanks")
@public
def thanks(code, response_uuid):
    response = responses.query_response(response_uuid) if RESPONSE_ID.match(response_uuid) else None
    point, questionnaire = _point_and_questionnaire(code, response) if response else (None, None)
    if response is None or response.status != "submitted":
        return redirect(url_for("public.start", code=code))
    return render_template("public/thanks.html", point=point, lang=_language(questionnaire))
