"""Translation markers importable anywhere without an app: `_l` for import-time labels."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

__all__ = ["_", "_l", "ngettext"]
