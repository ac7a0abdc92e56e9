from flask import Blueprint

bp = Blueprint("posters", __name__, url_prefix="/posters")
