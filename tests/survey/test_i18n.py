"""Vietnamese first: explicit choice → cookie → browser → vi; complete vi catalogue."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from survey.config import PROJECT_ROOT

CATALOGUES = PROJECT_ROOT / "translations"


def _lang(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").html["lang"]


def test_vietnamese_is_the_default(client):
    assert _lang(client.get("/")) == "vi"
    assert "Đăng nhập" in client.get("/").get_data(as_text=True)


def test_browser_preference_is_followed(client):
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "fr"})) == "vi"


def test_explicit_choice_beats_browser_and_is_remembered(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "vi"})
    assert _lang(response) == "en"
    assert "lang=en" in response.headers["Set-Cookie"]
    assert _lang(client.get("/", headers={"Accept-Language": "vi"})) == "en"
    assert _lang(client.get("/?lang=vi")) == "vi"
    assert _lang(client.get("/?lang=xx")) == "vi"


def test_the_language_switch_is_on_every_page(client):
    soup = BeautifulSoup(client.get("/login").get_data(as_text=True), "html.parser")
    links = {a["hreflang"]: a["href"] for a in soup.select("nav.langs a")}
    assert links == {"en": "/login?lang=en"}


def _catalogue(lang):
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_the_vietnamese_catalogue_is_complete():
    catalogue = _catalogue("vi")
    untranslated = [m.id for m in catalogue if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_every_string_in_the_code_is_in_the_catalogues(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-o", str(pot), "survey"],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    for lang in ("vi", "en"):
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(lang) if m.id}
        assert wanted - have == set(), f"run: flask --app wsgi translate update ({lang})"


def test_catalogue_text_is_nfc():
    import unicodedata

    for message in _catalogue("vi"):
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            assert unicodedata.normalize("NFC", text) == text, message.id


def test_catalogues_are_compiled_at_start(app):
    compiled = Path(app.instance_path) / "translations" / "vi" / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists()
