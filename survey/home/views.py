from flask import Blueprint, render_template

from survey.auth.access import public

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index():
    return render_template("home/index.html")
