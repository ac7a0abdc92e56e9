"""Babel: locale selection (explicit ?lang → cookie → Accept-Language → vi) and catalogue compiling.

Catalogues (.po) are the source in translations/; they are compiled to .mo in the instance
folder at start-up when missing or stale, so no compiled file is ever committed.
"""
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale

babel = Babel()


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    explicit = request.args.get("lang")
    if explicit in languages:
        g.chosen_language = explicit
        return explicit
    cookie = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if cookie in languages:
        return cookie
    if request.blueprint == "public":
        # A QR poster in Lai Châu opens in Vietnamese whatever the phone's setting; the switch is visible.
        return current_app.config["DEFAULT_LOCALE"]
    return request.accept_languages.best_match(languages) or current_app.config["DEFAULT_LOCALE"]


def _remember_language(response):
    """Keep an explicit ?lang= choice for the next pages (a year; no personal data in it)."""
    chosen = g.get("chosen_language")
    if chosen and request.cookies.get(current_app.config["LANGUAGE_COOKIE"]) != chosen:
        response.set_cookie(current_app.config["LANGUAGE_COOKIE"], chosen,
                            max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile every source/<lang>/LC_MESSAGES/messages.po that is newer than its .mo."""
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parts[-3])
        # Write aside and rename: several workers may compile at the same moment.
        tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo_path)
        written.append(mo_path)
    return written


def init_app(app):
    compiled = Path(app.instance_path) / "translations"
    compile_catalogues(Path(app.config["TRANSLATIONS_DIR"]), compiled)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["DEFAULT_TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_remember_language)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters.update(number=format_number, day=format_day, moment=format_moment)


def format_number(value, digits: int = 0) -> str:
    """A number in the reader's locale ("43.771" / "0,90" in Vietnamese); a dash when missing."""
    if value is None or value != value:
        return "–"
    return format_decimal(value, "#,##0" + ("." + "0" * digits if digits else ""))


# Vietnamese documents write dates in full as 04/12/2026 (CLDR's short form drops the zeros and
# the century); other languages get CLDR's medium form, which names the month.
DATE_PATTERNS = {"vi": "dd/MM/yyyy"}


def format_day(value) -> str:
    """A date as the reader writes it (04/12/2026 in Vietnamese, 4 Dec 2026 in English)."""
    return format_date(value, DATE_PATTERNS.get(get_locale().language, "medium")) if value else ""


def format_moment(value) -> str:
    """A stored UTC time shown in the province's time zone, in the reader's locale."""
    if not value:
        return ""
    pattern = DATE_PATTERNS.get(get_locale().language)
    return format_datetime(value, f"{pattern} HH:mm" if pattern else "medium")
