"""Where each line of a poster goes, in millimetres, on A4 or A5: Vietnamese first.

Plain geometry with no Flask, so it can be tested on its own. SVG text does not wrap, so lines
are broken here from the average advance of common sans-serif fonts (about 0.55 em, 0.6 em
bold; monospace exactly 0.6 em). The poster wording is Vietnamese whatever the UI language:
it is read by citizens, not by the staff member who prints it.
"""
import math
import textwrap
import unicodedata
from dataclasses import dataclass

from survey.posters.qr import QUIET_ZONE, Symbol, qr_symbol

# Broken by hand where a reader pauses, rather than wherever the width runs out.
INSTRUCTION_VI = ("Mời Ông/Bà quét mã QR", "để đánh giá mức độ hài lòng")
INSTRUCTION_EN = "Scan the QR code to tell us how satisfied you are"
ADDRESS_VI = "Hoặc truy cập địa chỉ:"
ADDRESS_EN = "Or open this address:"
# Printed above the frame while PUBLIC_BASE_URL is this computer, so such a poster is never hung.
TRIAL_MARK_VI = "BẢN IN THỬ: mã QR này chỉ dùng được trên máy tính đã tạo ra nó"

# Average glyph advance in em, and line height, for breaking lines without a font engine.
EM_REGULAR, EM_BOLD, EM_MONO = 0.55, 0.6, 0.6
LINE_HEIGHT = 1.25
# In A4 millimetres; A5 scales them by 148/210.
MARGIN, FRAME_INSET = 16, 8
NAME_SIZES = (12, 10, 8.5, 7)


@dataclass(frozen=True)
class Paper:
    name: str
    width: float
    height: float
    # `min_symbol_mm`: the narrowest symbol accepted for scanning from about 1 m. `module_mm`
    # meets it from QR version 2 (25 modules) up, and no URL with a scheme and a host fits
    # version 1 at level Q (11 bytes); the layout still widens modules if one ever does.
    module_mm: float
    min_symbol_mm: float

    @property
    def scale(self) -> float:
        return self.width / 210


PAPERS = {
    "a4": Paper("a4", 210, 297, module_mm=2.5, min_symbol_mm=60),
    "a5": Paper("a5", 148, 210, module_mm=2.0, min_symbol_mm=50),
}


@dataclass(frozen=True)
class Line:
    text: str
    y: float  # baseline; every line is centred horizontally
    size: float
    kind: str  # unit, name, instruction, english, address or url: the template styles by kind


@dataclass(frozen=True)
class Layout:
    paper: Paper
    title: str  # the service point's name, for the SVG <title>
    lines: tuple[Line, ...]
    symbol: Symbol
    module_mm: float
    qr_x: float  # top-left corner of the quiet zone
    qr_y: float

    @property
    def symbol_mm(self) -> float:
        """Printed width of the QR symbol itself, quiet zone excluded."""
        return (self.symbol.modules - 2 * QUIET_ZONE) * self.module_mm

    @property
    def frame_inset(self) -> float:
        return FRAME_INSET * self.paper.scale


def clean(text: str) -> str:
    """NFC, one line, no control characters (XML 1.0 forbids most of them)."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if ch >= " " or ch in "\t\n\r")
    return " ".join(text.split())


def _wrap(text: str, size: float, width: float, em: float) -> list[str]:
    """Break `text` into as few lines as fit `width`, then even out their lengths."""
    widest = max(1, int(width / (em * size)))
    lines = textwrap.wrap(text, widest)
    for chars in range(max(1, math.ceil(len(text) / max(1, len(lines)))), widest):
        balanced = textwrap.wrap(text, chars)
        if len(balanced) == len(lines):
            return balanced
    return lines


def _fit(text: str, sizes: tuple[float, ...], width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size at which `text` takes at most `max_lines` lines (else the smallest)."""
    for size in sizes:
        lines = _wrap(text, size, width, EM_BOLD)
        if len(lines) <= max_lines:
            break
    return size, lines


class _Column:
    """Stacks lines top-down from 0; the poster centres the finished column on the page."""

    def __init__(self):
        self.lines: list[Line] = []
        self.height = 0.0

    def add(self, texts, size, kind, gap_after):
        for text in texts:
            # The baseline sits about 0.9 em below the top of the line box.
            self.lines.append(Line(text, self.height + 0.9 * size, size, kind))
            self.height += LINE_HEIGHT * size
        self.height += gap_after


def poster_layout(paper: Paper, unit_name: str, point_name: str, url: str,
                  english: bool = False) -> Layout:
    """Lay out unit, service point, instruction, QR code and typed address, centred vertically."""
    s = paper.scale
    width = paper.width - 2 * MARGIN * s
    symbol = qr_symbol(url)
    module = max(paper.module_mm, paper.min_symbol_mm / (symbol.modules - 2 * QUIET_ZONE))

    col = _Column()
    col.add(_wrap(clean(unit_name), 7 * s, width, EM_BOLD), 7 * s, "unit", 2 * s)
    title = clean(point_name)
    size, name_lines = _fit(title, tuple(n * s for n in NAME_SIZES), width, 3)
    col.add(name_lines, size, "name", 8 * s)
    col.add(INSTRUCTION_VI, 8 * s, "instruction", 1 * s)
    if english:
        col.add(_wrap(INSTRUCTION_EN, 5.5 * s, width, EM_REGULAR), 5.5 * s, "english", 0)
    qr_y = col.height
    col.height += symbol.modules * module
    col.add([ADDRESS_VI + (" / " + ADDRESS_EN if english else "")], 4.5 * s, "address", 1 * s)
    col.add([url], min(6.5 * s, width / (EM_MONO * len(url))), "url", 0)

    top = max(MARGIN * s, (paper.height - col.height) / 2)
    lines = tuple(Line(ln.text, top + ln.y, ln.size, ln.kind) for ln in col.lines)
    return Layout(paper, title, lines, symbol, module,
                  (paper.width - symbol.modules * module) / 2, top + qr_y)
