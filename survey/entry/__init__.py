"""Paper-questionnaire entry: batches, fast keyed entry that works offline, double-entry verification."""
from flask import Blueprint

bp = Blueprint("entry", __name__, url_prefix="/entry")

from survey.entry import api, keying, views  # noqa: E402,F401  (register the routes on bp)
