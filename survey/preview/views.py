from flask import Blueprint, abort, flash, render_template, request
from flask_babel import get_locale

from survey.auth.access import ALL_STAFF, requires
from survey.forms.builder import FIELD_PREFIX, form_class
from survey.i18n_lazy import _
from survey.startup import registry

bp = Blueprint("preview", __name__, url_prefix="/questionnaires")


@bp.route("/")
@requires(*ALL_STAFF)
def list_questionnaires():
    return render_template("preview/list.html", questionnaires=list(registry()))


@bp.route("/<questionnaire_id>/v<int:version>", methods=["GET", "POST"])
@requires(*ALL_STAFF)
def show_questionnaire(questionnaire_id, version):
    questionnaire = registry().get(questionnaire_id, version) or abort(404)
    lang = str(get_locale())
    if lang not in questionnaire.languages:
        lang = questionnaire.languages[0]
    form = form_class(questionnaire, lang)()
    status = 200
    if form.validate_on_submit():
        if form.check().ok:
            flash(_("These answers are valid. Answers given in the preview are not saved."), "success")
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render_template("preview/show.html", questionnaire=questionnaire, form=form,
                           lang=lang, prefix=FIELD_PREFIX), status
