"""The page where statisticians and admins make and revoke their API tokens."""
from flask import Blueprint, abort, render_template
from flask_login import current_user

from survey.api import tokens
from survey.api.forms import RevokeForm, TokenForm
from survey.auth.access import requires
from survey.exports.views import EXPORTERS

bp = Blueprint("api_tokens", __name__, url_prefix="/api-tokens")


def _page(form, secret=None, revoked=None, status=200):
    return render_template("exports/tokens.html", form=form, secret=secret, revoked=revoked,
                           revoke_form=RevokeForm(), tokens=tokens.query_tokens(current_user.id),
                           state=tokens.token_state), status


@bp.route("/", methods=["GET", "POST"])
@requires(*EXPORTERS)
def list_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        _token, secret = tokens.create_token(current_user.id, form.name.data.strip())
        return _page(TokenForm(formdata=None), secret=secret)
    return _page(form, status=400 if form.errors else 200)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires(*EXPORTERS)
def revoke_token(token_id):
    token = tokens.query_token(token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(token)
    return _page(TokenForm(formdata=None), revoked=token)
