"""Numbers in addresses: bounded to what the database holds, so an absurd one is a 404 or a 400.

Ids are INTEGER columns (32-bit on PostgreSQL, which raises on a larger parameter; SQLite raises
past 2^63), so every `<int:…>` in a route is an id from 0 to 2^31 - 1; anything else matches no route.
Registering it under the name `int` covers every route, present and future, in one place.
"""
from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a whole number from 0 to 2^31 - 1 (a database id or a page index)."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def id_arg(name: str) -> int | None:
    """The query parameter `name` as a database id, None when absent; 400 when not an id."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_ID:
        abort(400)
    return int(raw)


def init_app(app):
    app.url_map.converters["int"] = IdConverter
