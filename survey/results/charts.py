"""Charts drawn once as shapes, written out as accessible SVG or as PNG (Pillow).

Only layout happens here: the numbers come from `survey.estimates`. Each chart has a title and a
description (SVG <title>/<desc>, referenced by aria-labelledby); pages show the same numbers in a
data table beside it.
"""
import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

WIDTH = 760
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu/DejaVuSans.ttf")
INK, MUTED, ACCENT, TARGET, BAND = "#1b1b1b", "#555555", "#1d4f91", "#b3261e", "#c9d8ee"
# Answer scales from negative to positive: colour-blind-safe diverging colours (ColorBrewer RdBu),
# light enough for dark text. The top two answers are the satisfied ones (the indices' top-2
# rule), so they are blue on every scale: the 3-point desk scale once showed "Hài lòng", its
# middle answer, in a warning hue. Below them: reds, strongest first, then greys.
NEGATIVE_COLOURS = {1: ("#d6604d",), 2: ("#d6604d", "#f4a582"), 3: ("#d6604d", "#f4a582", "#fddbc7")}
POSITIVE_COLOURS = {1: ("#4393c3",), 2: ("#92c5de", "#4393c3")}
NEUTRAL_COLOUR = "#e0e0e0"


def scale_colours(count: int) -> tuple[str, ...]:
    """Colours for an answer scale of `count` points ordered from most negative to most positive."""
    positive = 1 if count <= 2 else 2
    rest = max(count - positive, 0)
    negative = min(rest, 2) if rest <= 3 else 3
    colours = NEGATIVE_COLOURS.get(negative, ()) + (NEUTRAL_COLOUR,) * (rest - negative)
    return colours + POSITIVE_COLOURS[positive][-count:]


@dataclass
class Chart:
    title: str
    desc: str
    height: int
    shapes: list = field(default_factory=list)

    def text(self, x, y, s, size=13, anchor="start", fill=INK):
        self.shapes.append(("text", x, y, s, size, anchor, fill))

    def line(self, x1, y1, x2, y2, stroke=INK, width=1, dash=False):
        self.shapes.append(("line", x1, y1, x2, y2, stroke, width, dash))

    def rect(self, x, y, w, h, fill):
        self.shapes.append(("rect", x, y, w, h, fill))

    def circle(self, x, y, r, fill):
        self.shapes.append(("circle", x, y, r, fill))

    def polygon(self, points, fill):
        self.shapes.append(("polygon", points, fill))

    def polyline(self, points, stroke, width=2):
        self.shapes.append(("polyline", points, stroke, width))


def _scale(lo, hi, x0, x1):
    return lambda v: x0 + (v - lo) / (hi - lo) * (x1 - x0)


def _axis_bounds(values, target):
    lo = min([v for v in values if v == v] + [target]) - 0.02
    lo = max(0.0, int(lo * 10) / 10)
    return lo, 1.0


def units_chart(title, desc, rows, target, pct) -> Chart:
    """Units sorted by estimate: a dot with its 95% CI whisker, and the target as a dashed line."""
    top, row_h, left, right = 60, 24, 250, WIDTH - 30
    chart = Chart(title, desc, top + row_h * max(len(rows), 1) + 50)
    lo, hi = _axis_bounds([r.ci_low for r in rows], target)
    x = _scale(lo, hi, left, right)
    chart.text(10, 24, title, 16)
    bottom = top + row_h * len(rows)
    for tick in [lo + i * (hi - lo) / 5 for i in range(6)]:
        chart.line(x(tick), top - 8, x(tick), bottom, "#dddddd")
        chart.text(x(tick), bottom + 18, pct(tick), 11, "middle", MUTED)
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        chart.text(left - 8, y + 4, row.domain_label[:34], 12, "end")
        if row.n:
            chart.line(x(max(row.ci_low, lo)), y, x(row.ci_high), y, ACCENT, 2)
            chart.line(x(max(row.ci_low, lo)), y - 5, x(max(row.ci_low, lo)), y + 5, ACCENT, 2)
            chart.line(x(row.ci_high), y - 5, x(row.ci_high), y + 5, ACCENT, 2)
            chart.circle(x(max(row.estimate, lo)), y, 4.5, ACCENT)
    chart.line(x(target), top - 12, x(target), bottom + 4, TARGET, 2, dash=True)
    chart.text(x(target), top - 16, pct(target), 12, "middle", TARGET)
    return chart


def trend_chart(title, desc, rows, target, pct) -> Chart:
    """Monthly estimates joined by a line over their 95% CI band, with the target line."""
    top, bottom, left, right = 50, 300, 60, WIDTH - 30
    chart = Chart(title, desc, bottom + 50)
    chart.text(10, 24, title, 16)
    rows = [r for r in rows if r.n]
    lo, hi = _axis_bounds([r.ci_low for r in rows], target)
    y = _scale(lo, hi, bottom, top)
    for tick in [lo + i * (hi - lo) / 5 for i in range(6)]:
        chart.line(left, y(tick), right, y(tick), "#dddddd")
        chart.text(left - 6, y(tick) + 4, pct(tick), 11, "end", MUTED)
    step = (right - left) / max(len(rows) - 1, 1)
    xs = [left + i * step if len(rows) > 1 else (left + right) / 2 for i in range(len(rows))]
    if rows:
        band = [(xs[i], y(max(r.ci_high, lo))) for i, r in enumerate(rows)]
        band += [(xs[i], y(max(r.ci_low, lo))) for i, r in reversed(list(enumerate(rows)))]
        chart.polygon(band, BAND)
        chart.polyline([(xs[i], y(max(r.estimate, lo))) for i, r in enumerate(rows)], ACCENT)
        for i, r in enumerate(rows):
            chart.circle(xs[i], y(max(r.estimate, lo)), 4, ACCENT)
            chart.text(xs[i], bottom + 18, r.domain, 11, "middle", MUTED)
    chart.line(left, y(target), right, y(target), TARGET, 2, dash=True)
    chart.text(right, y(target) - 6, pct(target), 12, "end", TARGET)
    return chart


def distribution_chart(title, desc, items, pct) -> Chart:
    """One stacked bar per item: the weighted share of each answer, from lowest to highest."""
    top, row_h, left, right = 80, 28, 250, WIDTH - 20
    chart = Chart(title, desc, top + row_h * max(len(items), 1) + 20)
    chart.text(10, 24, title, 16)
    if items:
        legend_x = 10
        legend_colours = scale_colours(len(items[0][2]))
        for k, share in enumerate(items[0][2]):
            chart.rect(legend_x, 40, 12, 12, legend_colours[k])
            chart.text(legend_x + 16, 51, share.label, 11)
            legend_x += 24 + 7 * len(share.label)
    for i, (_, label, shares) in enumerate(items):
        y = top + i * row_h
        chart.text(left - 8, y + 16, label[:34], 12, "end")
        x0, colours = left, scale_colours(len(shares))
        for k, share in enumerate(shares):
            w = share.estimate * (right - left)
            chart.rect(x0, y + 2, w, row_h - 6, colours[k])
            if w > 34:
                chart.text(x0 + w / 2, y + 17, pct(share.estimate), 11, "middle")
            x0 += w
    return chart


def to_svg(chart: Chart) -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{chart.height}" '
             f'viewBox="0 0 {WIDTH} {chart.height}" aria-labelledby="chart-title chart-desc" '
             'font-family="DejaVu Sans, Arial, sans-serif">',
             f'<title id="chart-title">{escape(chart.title)}</title>',
             f'<desc id="chart-desc">{escape(chart.desc)}</desc>',
             f'<rect width="{WIDTH}" height="{chart.height}" fill="#ffffff"/>']
    for shape in chart.shapes:
        kind = shape[0]
        if kind == "text":
            _, x, y, s, size, anchor, fill = shape
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                         f'fill="{fill}">{escape(str(s))}</text>')
        elif kind == "line":
            _, x1, y1, x2, y2, stroke, width, dash = shape
            extra = ' stroke-dasharray="6 4"' if dash else ""
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
                         f'stroke-width="{width}"{extra}/>')
        elif kind == "rect":
            _, x, y, w, h, fill = shape
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
                         f'fill="{fill}"/>')
        elif kind == "circle":
            _, x, y, r, fill = shape
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>')
        elif kind == "polygon":
            _, points, fill = shape
            parts.append(f'<polygon points={quoteattr(_points(points))} fill="{fill}"/>')
        elif kind == "polyline":
            _, points, stroke, width = shape
            parts.append(f'<polyline points={quoteattr(_points(points))} fill="none" stroke="{stroke}" '
                         f'stroke-width="{width}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _points(points) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _font(size):
    from PIL import ImageFont

    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def to_png(chart: Chart, scale: int = 2) -> bytes:
    """The same shapes rasterised with Pillow at `scale` times the SVG size."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH * scale, chart.height * scale), "white")
    draw = ImageDraw.Draw(image)
    fonts = {}
    for shape in chart.shapes:
        kind = shape[0]
        if kind == "text":
            _, x, y, s, size, anchor, fill = shape
            font = fonts.setdefault(size, _font(size * scale))
            pil_anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
            draw.text((x * scale, y * scale), str(s), fill=fill, font=font, anchor=pil_anchor)
        elif kind == "line":
            _, x1, y1, x2, y2, stroke, width, dash = shape
            if dash:
                _dashed(draw, x1 * scale, y1 * scale, x2 * scale, y2 * scale, stroke, width * scale)
            else:
                draw.line([(x1 * scale, y1 * scale), (x2 * scale, y2 * scale)], fill=stroke,
                          width=width * scale)
        elif kind == "rect":
            _, x, y, w, h, fill = shape
            if w > 0:
                draw.rectangle([x * scale, y * scale, (x + w) * scale, (y + h) * scale], fill=fill)
        elif kind == "circle":
            _, x, y, r, fill = shape
            draw.ellipse([(x - r) * scale, (y - r) * scale, (x + r) * scale, (y + r) * scale], fill=fill)
        elif kind == "polygon":
            _, points, fill = shape
            if len(points) >= 3:
                draw.polygon([(px * scale, py * scale) for px, py in points], fill=fill)
        elif kind == "polyline":
            _, points, stroke, width = shape
            if len(points) >= 2:
                draw.line([(px * scale, py * scale) for px, py in points], fill=stroke, width=width * scale)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _dashed(draw, x1, y1, x2, y2, fill, width, on=12, off=8):
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1
    dx, dy, t = (x2 - x1) / length, (y2 - y1) / length, 0.0
    while t < length:
        end = min(t + on, length)
        draw.line([(x1 + dx * t, y1 + dy * t), (x1 + dx * end, y1 + dy * end)], fill=fill, width=width)
        t = end + off
