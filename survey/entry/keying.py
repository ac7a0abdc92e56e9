"""Clerk pages: my batches, the keying page (works without script; the script adds offline storage)."""
import json
import uuid as uuid_lib

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from survey.auth.access import requires
from survey.compression import static_url
from survey.entry import messages as _entry_texts  # noqa: F401  (registers the texts)
from survey.entry import operations, queries
from survey.entry.forms import EntryHeadForm
from survey.entry.logic import page_logic
from survey.entry.presenting import progress_line
from survey.forms.builder import FIELD_PREFIX, form_class
from survey.i18n_lazy import _, ngettext
from survey.problems import describe
from survey.startup import registry

bp = Blueprint("entry_keying", __name__, url_prefix="/entry")
CLERK = ("clerk",)
OFFLINE_ASSETS = ("style.css", "entry/entry.css", "entry/entry.js")


def js_texts() -> dict:
    """The entry script's messages in the clerk's language; {n} and {number} are filled in there."""
    def waiting(n):
        return ngettext("%(num)d form waiting to be sent on this device",
                        "%(num)d forms waiting to be sent on this device", n).replace(str(n), "{n}", 1)

    return {
        "waiting_one": waiting(1), "waiting_many": waiting(2),
        "saved": _("Form %(number)s is stored on this device.", number="{number}"),
        "sent": _("Every form on this device has been received by the server."),
        "some_refused": _("%(num)s form(s) were not accepted: see the reasons below.", num="{n}"),
        "offline": _("No network: the forms stay on this device and are sent when the network "
                     "returns."),
        "expired": _("Your session has expired. Sign in again; the forms stay on this device."),
        "sign_in": _("Sign in again"),
        "rejected": _("Form %(number)s was not accepted:", number="{number}"),
        "fix": _("Correct it"), "discard": _("Discard"),
        "confirm_discard": _("Discard form %(number)s from this device? The server does not "
                             "have it.", number="{number}"),
        "cannot_check": _("No network: this number cannot be checked now. Choose first or second "
                          "entry yourself."),
        "need_number": _("Enter the number printed on the paper form."),
        "offline_ready": _("These batches can be keyed on this device without network."),
    }


def _clerk_batch(batch_id):
    return queries.query_batch(current_user, batch_id) or abort(404)


@bp.route("/")
@requires(*CLERK)
def my_batches():
    rows = queries.query_batches(current_user)
    pages = [url_for("entry_keying.key_form", batch_id=batch.id) for batch, _, _ in rows]
    return render_template("entry/my_batches.html", rows=rows, texts=js_texts(),
                           offline_urls=[*pages, *(static_url(a) for a in OFFLINE_ASSETS)])


@bp.route("/batches/<int:batch_id>/key", methods=["GET", "POST"])
@requires(*CLERK)
def key_form(batch_id):
    batch = _clerk_batch(batch_id)
    questionnaire = registry().get(batch.questionnaire_id, batch.questionnaire_version) or abort(404)
    lang = str(get_locale())
    head, answers = EntryHeadForm(), form_class(questionnaire, lang)()
    status = 200
    if request.method == "POST":
        outcome = operations.accept(operations.KeyedForm(
            uuid=head.uuid.data or "", batch_id=batch.id,
            paper_form_number=head.paper_form_number.data or "", entry_kind=head.entry_kind.data,
            interview_date=head.interview_date.data or "",
            questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version,
            answers=answers.raw_answers()), current_user, kind_must_match=True)
        if outcome.accepted:
            flash(_("Paper form %(number)s saved (receipt %(receipt)s).",
                    number=outcome.receipt["paper_form_number"],
                    receipt=outcome.receipt["receipt"]), "success")
            return redirect(url_for("entry_keying.key_form", batch_id=batch.id))
        for key, code in outcome.errors.items():
            field = answers._fields.get(FIELD_PREFIX + key) or head._fields.get(key)
            if field is None:  # the batch or the device identifier: not a field to fix
                head.form_errors.append(describe(code))
            else:
                field.errors = [*field.errors, describe(code)]
        status = 400
    if not head.uuid.data or status == 200:
        head.uuid.data = str(uuid_lib.uuid4())
    return render_template(
        "entry/key.html", batch=batch, questionnaire=questionnaire, head=head, form=answers,
        progress=queries.progress(batch, queries.query_forms(batch.id)), progress_line=progress_line,
        lang=lang, texts=js_texts(), logic=json.dumps(page_logic(questionnaire)).replace("<", "\\u003c"),
        offline_urls=[url_for("entry_keying.key_form", batch_id=batch.id),
                      *(static_url(a) for a in OFFLINE_ASSETS)]), status


@bp.route("/batches/<int:batch_id>/form-number")
@requires(*CLERK)
def check_form_number(batch_id):
    """Would this form number be a first or a second entry? Never reveals keyed values."""
    batch = _clerk_batch(batch_id)
    number = operations.normalise_form_number(request.args.get("number", ""))
    if not operations.FORM_NUMBER.match(number):
        return jsonify(state="invalid", message=describe("entry.bad_form_number"
                                                         if number else "entry.no_form_number"))
    state = queries.form_number_state(batch, number, current_user.id)
    messages = {
        "first": _("Not keyed yet: this will be the first entry."),
        "second": _("Keyed once by another clerk: this will be the second entry (verification)."),
        "yours": _("You have already keyed this form; another clerk must do its second entry."),
        "done": _("This form has already been keyed twice."),
    }
    return jsonify(state=state, number=number, message=messages[state])
