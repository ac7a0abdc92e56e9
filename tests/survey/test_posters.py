"""QR posters: print-ready SVG in mm, QR codes that really decode (zxing-cpp) at level Q, ZIP and
print pages per unit, roles and bad input."""
import io
import re
import unicodedata
import zipfile
from datetime import date
from xml.etree import ElementTree

import numpy as np
import png
import pytest
import qrcode
import zxingcpp
from bs4 import BeautifulSoup
from qrcode import constants
from sqlmodel import select

from survey.db import get_session, transaction
from survey.models import ServicePoint, User, UserUnit
from survey.posters.layout import INSTRUCTION_EN, INSTRUCTION_VI, PAPERS, poster_layout
from survey.service_points import operations
from survey.units.queries import query_unit

SVG = "{http://www.w3.org/2000/svg}"
NAME = "Bộ phận Một cửa UBND Xã Than Uyên"
URL = "http://127.0.0.1:5000/q/MC-03595"


def _point(app, code="MC-03595", name=NAME, unit_code="03595", active=True, on=None):
    with app.app_context():
        unit = query_unit(unit_code, on or date.today())
        return operations.save(operations.ServicePointData(
            code, name, "one_stop_commune", unit.id, None, active, "")).id


def _unit_id(app, code="03595"):
    with app.app_context():
        return query_unit(code, date.today()).id


def _supervisor_of(app, login, code="03595"):
    """A signed-in supervisor working in the unit `code` (they print posters of their units)."""
    client = login("supervisor")
    with app.app_context(), transaction() as session:
        user = session.exec(select(User).where(User.username == "supervisor")).one()
        session.add(UserUnit(user_id=user.id, unit_id=query_unit(code, date.today()).id))
    return client


def _decode(matrix: np.ndarray, pixels=8):
    """Draw dark modules black on white and let zxing-cpp find and read the symbol."""
    image = np.kron(np.where(matrix, 0, 255).astype(np.uint8), np.ones((pixels, pixels), np.uint8))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0]


def _path_matrix(d: str, size: int, unit: float = 1.0) -> np.ndarray:
    """qrcode's SVG path is one square sub-path per dark module: `M x,y H … V … H … z`."""
    matrix = np.zeros((size, size), bool)
    for x, y in re.findall(r"M([\d.]+),([\d.]+)", d):
        matrix[round(float(y) / unit), round(float(x) / unit)] = True
    return matrix


def _poster_qr(root):
    """The poster's QR: (matrix with quiet zone, module size in mm) from its transformed path."""
    path = root.find(f"{SVG}path")
    module = float(re.search(r"scale\(([\d.]+)\)", path.get("transform")).group(1))
    starts = [float(v) for v in re.findall(r"M([\d.]+)", path.get("d"))]
    return _path_matrix(path.get("d"), int(max(starts)) + 1 + 4), module


def _texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def _regenerate(data, level):
    qr = qrcode.QRCode(error_correction=level, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return np.array(qr.get_matrix(), bool)


@pytest.mark.parametrize("size, width, height, module, minimum", [
    ("a4", "210mm", "297mm", 2.5, 60), ("a5", "148mm", "210mm", 2.0, 50)])
def test_a_poster_is_a_print_ready_svg_whose_qr_opens_the_short_url(
        app, login, units, size, width, height, module, minimum):
    point_id = _point(app)
    response = login("admin").get(f"/posters/{point_id}.svg?size={size}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == f'inline; filename="MC-03595-{size}.svg"'
    root = ElementTree.fromstring(response.data)
    assert (root.get("width"), root.get("height")) == (width, height)
    assert root.get("viewBox") == f"0 0 {width[:-2]} {height[:-2]}"
    texts = _texts(root)
    # Long names are broken over lines at spaces; the URL always stays on one line.
    assert "Xã Than Uyên" in texts and NAME in " ".join(texts) and URL in texts
    assert " ".join(INSTRUCTION_VI) in " ".join(texts)
    matrix, module_mm = _poster_qr(root)
    symbol = _decode(matrix)
    assert (symbol.text, symbol.ec_level) == (URL, "Q")
    assert module_mm == module and (len(matrix) - 8) * module_mm >= minimum
    assert not list(root.iter(f"{SVG}image"))  # vector only: no embedded raster


def test_the_poster_qr_is_the_level_q_symbol(app, login, units):
    root = ElementTree.fromstring(login("admin").get(f"/posters/{_point(app)}.svg").data)
    matrix, _module = _poster_qr(root)
    assert np.array_equal(matrix, _regenerate(URL, constants.ERROR_CORRECT_Q))
    for level in (constants.ERROR_CORRECT_L, constants.ERROR_CORRECT_M, constants.ERROR_CORRECT_H):
        other = _regenerate(URL, level)
        assert other.shape != matrix.shape or not np.array_equal(other, matrix)


def test_names_are_escaped_and_nfc(app, login, units):
    point_id = _point(app, name="Trạm Y tế <Bản> & \"Nậm\"")
    with app.app_context():
        session = get_session()
        point = session.get(ServicePoint, point_id)
        point.name = unicodedata.normalize("NFD", point.name)
        session.commit()
    response = login("admin").get(f"/posters/{point_id}.svg")
    assert b"&lt;B" in response.data and b"&amp;" in response.data
    text = response.get_data(as_text=True)
    assert unicodedata.is_normalized("NFC", text)
    root = ElementTree.fromstring(response.data)
    assert "Trạm Y tế <Bản> & \"Nậm\"" in " ".join(_texts(root))
    assert root.find(f"{SVG}title").text == "Trạm Y tế <Bản> & \"Nậm\""


def test_the_english_line_is_optional_and_the_poster_stays_vietnamese(app, login, units):
    point_id = _point(app)
    client = login("admin")
    plain = " ".join(_texts(ElementTree.fromstring(client.get(f"/posters/{point_id}.svg?lang=en").data)))
    assert INSTRUCTION_EN not in plain and "Ông/Bà" in plain
    english = " ".join(_texts(ElementTree.fromstring(client.get(f"/posters/{point_id}.svg?en=1").data)))
    assert INSTRUCTION_EN in english and "Ông/Bà" in english


@pytest.mark.parametrize("size", ["a4", "a5"])
@pytest.mark.parametrize("name, url", [
    (NAME, "http://a.vn/q/ABC"),
    ("Trung tâm Phục vụ hành chính công tỉnh Lai Châu " * 4, URL),
    ("Trạm Y tế", "https://khao-sat-hai-long.laichau.gov.vn/danh-gia/q/ABCDEFGHJKLMNPQR"),
])
def test_every_layout_fits_the_page_and_keeps_the_qr_large_enough(size, name, url):
    paper = PAPERS[size]
    layout = poster_layout(paper, "Xã Than Uyên", name, url, english=True)
    assert layout.symbol_mm >= paper.min_symbol_mm
    inner = paper.width - 2 * layout.frame_inset
    for line in layout.lines:
        assert len(line.text) * 0.6 * line.size <= inner, line
    top, bottom = layout.lines[0].y - layout.lines[0].size, layout.lines[-1].y + 0.3 * layout.lines[-1].size
    assert layout.frame_inset < top and bottom < paper.height - layout.frame_inset
    qr_width = layout.symbol.modules * layout.module_mm
    assert layout.frame_inset <= layout.qr_x and layout.qr_x + qr_width <= paper.width - layout.frame_inset


def test_the_bare_qr_codes_decode_as_png_and_svg(app, login, units):
    point_id = _point(app)
    client = _supervisor_of(app, login)
    response = client.get(f"/posters/{point_id}/qr.png")
    assert response.mimetype == "image/png"
    width, height, rows, _info = png.Reader(bytes=response.data).read()
    pixels = np.array([list(row) for row in rows], np.uint8)
    found = zxingcpp.read_barcodes(pixels * 255)
    assert [(b.text, b.ec_level) for b in found] == [(URL, "Q")]

    root = ElementTree.fromstring(client.get(f"/posters/{point_id}/qr.svg").data)
    side = float(root.get("width").removesuffix("mm"))
    matrix = _path_matrix(root.find(f"{SVG}path").get("d"), round(side / 2.5), unit=2.5)
    assert (_decode(matrix).text, side) == (URL, 37 * 2.5)


def test_the_short_url_follows_public_base_url(app, login, units):
    app.config["PUBLIC_BASE_URL"] = "https://hailong.laichau.gov.vn/"
    root = ElementTree.fromstring(login("admin").get(f"/posters/{_point(app)}.svg").data)
    assert _decode(_poster_qr(root)[0]).text == "https://hailong.laichau.gov.vn/q/MC-03595"
    assert "https://hailong.laichau.gov.vn/q/MC-03595" in _texts(root)


def test_a_unit_zip_holds_one_poster_per_active_service_point(app, login, units):
    _point(app)
    _point(app, code="TYT-03595", name="Trạm Y tế Xã Than Uyên")
    _point(app, code="OLD-03595", name="Điểm cũ", active=False)
    _point(app, code="MC-03388", name="Một cửa Phường Đoàn Kết", unit_code="03388")
    response = login("admin").get(f"/posters/unit/{_unit_id(app)}.zip?size=a5")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="posters-03595-a5.zip"'
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["MC-03595.svg", "TYT-03595.svg"]
        for name in archive.namelist():
            root = ElementTree.fromstring(archive.read(name))
            assert root.get("width") == "148mm"
            assert _decode(_poster_qr(root)[0]).text == f"http://127.0.0.1:5000/q/{name[:-4]}"


def test_the_unit_print_page_has_one_poster_per_page(app, login, units):
    _point(app)
    _point(app, code="TYT-03595", name="Trạm Y tế Xã Than Uyên")
    _point(app, code="OLD-03595", name="Điểm cũ", active=False)
    response = login("admin").get(f"/posters/unit/{_unit_id(app)}/print?size=a5&en=1")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    sheets = soup.select("div.sheet > svg")
    assert len(sheets) == 2 and all(s["width"] == "148mm" for s in sheets)
    assert sorted(s.find_all("text")[-1].get_text() for s in sheets) == [
        "http://127.0.0.1:5000/q/MC-03595", "http://127.0.0.1:5000/q/TYT-03595"]
    assert "@page { size: A5; margin: 0; }" in soup.style.string
    assert "break-after: page" in soup.style.string and not soup.find("script")
    assert "OLD-03595" in soup.select_one("[role=alert]").get_text()
    assert INSTRUCTION_EN in sheets[0].get_text()


def test_an_inactive_point_can_be_printed_with_a_warning(app, login, units):
    active, inactive = _point(app), _point(app, code="OLD-03595", name="Điểm cũ", active=False)
    app.config["PUBLIC_BASE_URL"] = "https://hailong.laichau.gov.vn"  # no trial-print warning
    client = login("admin")
    assert client.get(f"/posters/{inactive}.svg").status_code == 200
    page = BeautifulSoup(client.get(f"/posters/{inactive}/print").get_data(as_text=True), "html.parser")
    assert "OLD-03595" in page.select_one("[role=alert]").get_text()
    assert len(page.select("div.sheet > svg")) == 1
    page = BeautifulSoup(client.get(f"/posters/{active}/print").get_data(as_text=True), "html.parser")
    assert page.select("[role=alert]") == []


def test_the_list_shows_units_in_force_with_their_points(app, login, units):
    _point(app)
    _point(app, code="OLD-03595", name="Điểm cũ", active=False)
    _point(app, code="MC-03619", name="Một cửa Xã Mường Than cũ", unit_code="03619", on=date(2025, 6, 1))
    response = _supervisor_of(app, login).get("/posters/?size=a5&en=1")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [h.get_text(" ", strip=True) for h in soup.select("section h2")] == ["Xã Than Uyên 03595"]
    links = {a["href"] for a in soup.select("section a")}
    assert f"/posters/unit/{_unit_id(app)}/print?size=a5&en=1" in links
    assert f"/posters/unit/{_unit_id(app)}.zip?size=a5&en=1" in links
    assert soup.select_one("#size option[selected]")["value"] == "a5"
    assert soup.select_one("#en").has_attr("checked")
    assert len(soup.select("section .error")) == 1


@pytest.mark.parametrize("role", ["viewer", "clerk", "statistician"])
def test_only_admins_and_supervisors_print(app, login, units, role):
    point_id, unit_id = _point(app), _unit_id(app)
    client = login(role)
    for url in ("/posters/", f"/posters/{point_id}.svg", f"/posters/{point_id}/print",
                f"/posters/{point_id}/qr.png", f"/posters/{point_id}/qr.svg",
                f"/posters/unit/{unit_id}.zip", f"/posters/unit/{unit_id}/print"):
        assert client.get(url).status_code == 403, url


def test_unknown_ids_are_404(app, login, units):
    client = login("admin")
    for url in ("/posters/999999.svg", "/posters/999999/print", "/posters/999999/qr.png",
                "/posters/999999/qr.svg", "/posters/unit/999999.zip", "/posters/unit/999999/print"):
        assert client.get(url).status_code == 404, url
    response = client.get(f"/posters/unit/{_unit_id(app)}.zip?lang=en")
    assert response.status_code == 404
    assert "Xã Than Uyên has no active service points" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/posters/?size=a3", "/posters/{id}.svg?size=letter",
                                 "/posters/{id}/print?size=", "/posters/unit/{unit}.zip?size=A6"])
def test_a_bad_paper_size_is_400_with_a_page_that_says_why(app, login, units, url):
    client = login("admin")
    url = url.format(id=_point(app), unit=_unit_id(app))
    response = client.get(url + "&lang=en")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Choose A4 or A5" in soup.main.get_text() and soup.html["lang"] == "en"
    vietnamese = BeautifulSoup(client.get(url + "&lang=vi").get_data(as_text=True), "html.parser")
    assert vietnamese.html["lang"] == "vi" and vietnamese.main.p.get_text()


def test_upper_case_sizes_are_accepted(app, login, units):
    assert login("admin").get(f"/posters/{_point(app)}.svg?size=A5").status_code == 200
