"""Poster files: one SVG per service point, and a ZIP of them per unit.

Needs an app context: the short URL's base is the PUBLIC_BASE_URL setting.
"""
import zipfile
from io import BytesIO

from flask import current_app, render_template

from survey.models import AdminUnit, ServicePoint
from survey.posters.layout import Layout, Paper, poster_layout
from survey.posters.qr import short_url


def point_url(point: ServicePoint) -> str:
    return short_url(current_app.config["PUBLIC_BASE_URL"], point.code)


def point_layout(point: ServicePoint, unit: AdminUnit, paper: Paper, english: bool) -> Layout:
    return poster_layout(paper, unit.name, point.name, point_url(point), english)


def poster_file(point: ServicePoint, unit: AdminUnit, paper: Paper, english: bool) -> bytes:
    """A standalone SVG file; the HTML print pages include `posters/_poster.svg` directly."""
    layout = point_layout(point, unit, paper, english)
    return render_template("posters/poster.svg", layout=layout).encode("utf-8")


def posters_zip(points: list[ServicePoint], unit: AdminUnit, paper: Paper, english: bool) -> bytes:
    """One `<code>.svg` per service point, so a print shop can match files to places."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for point in points:
            archive.writestr(f"{point.code}.svg", poster_file(point, unit, paper, english))
    return buffer.getvalue()
