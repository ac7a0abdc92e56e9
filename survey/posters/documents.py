"""Poster files: one SVG per service point, and a ZIP of them per unit.

Needs an app context: the short URL's base is the PUBLIC_BASE_URL setting.
"""
import ipaddress
import zipfile
from io import BytesIO
from urllib.parse import urlsplit

from flask import current_app, render_template

from survey.models import AdminUnit, ServicePoint
from survey.posters.layout import TRIAL_MARK_VI, Layout, Paper, poster_layout
from survey.posters.qr import short_url


def point_url(point: ServicePoint) -> str:
    return short_url(current_app.config["PUBLIC_BASE_URL"], point.code)


def base_url_is_loopback() -> bool:
    """True while QR codes would send phones to this computer itself (PUBLIC_BASE_URL unset)."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def trial_mark() -> str | None:
    """The mark a poster carries while it cannot work on a phone, or None."""
    return TRIAL_MARK_VI if base_url_is_loopback() else None


def point_layout(point: ServicePoint, unit: AdminUnit, paper: Paper, english: bool) -> Layout:
    return poster_layout(paper, unit.name, point.name, point_url(point), english)


def poster_file(point: ServicePoint, unit: AdminUnit, paper: Paper, english: bool) -> bytes:
    """A standalone SVG file; the HTML print pages include `posters/_poster.svg` directly."""
    layout = point_layout(point, unit, paper, english)
    return render_template("posters/poster.svg", layout=layout,
                           trial=trial_mark()).encode("utf-8")


def posters_zip(points: list[ServicePoint], unit: AdminUnit, paper: Paper, english: bool) -> bytes:
    """One `<code>.svg` per service point, so a print shop can match files to places."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for point in points:
            archive.writestr(f"{point.code}.svg", poster_file(point, unit, paper, english))
    return buffer.getvalue()
