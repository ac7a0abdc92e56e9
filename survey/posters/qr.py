"""QR codes for the short survey URLs: error correction Q, vector SVG paths, pure-Python PNG.

Level Q (about 25 % of the symbol recoverable) because posters hang for years in public
offices, where they get scuffed, sun-faded and taped over; the price is a slightly denser symbol.
PNG goes through qrcode's pypng factory, so the app needs no Pillow.
"""
from dataclasses import dataclass
from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_Q
from qrcode.image.pure import PyPNGImage
from qrcode.image.svg import SvgPathFillImage, SvgPathImage

# ISO/IEC 18004 asks for four light modules around the symbol; many phones misread without.
QUIET_ZONE = 4
# qrcode's SVG factories write box_size / 10 mm per module: 10 gives one path unit per module.
ONE_UNIT_PER_MODULE = 10
PNG_PIXELS_PER_MODULE = 10


def short_url(base_url: str, code: str) -> str:
    """The address a poster's QR code opens: <PUBLIC_BASE_URL>/q/<code>."""
    return f"{base_url.rstrip('/')}/q/{code}"


def make_qr(data: str, box_size: int = ONE_UNIT_PER_MODULE) -> qrcode.QRCode:
    """The smallest QR version that holds `data` at level Q."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE, box_size=box_size)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


@dataclass(frozen=True)
class Symbol:
    """A QR symbol as one SVG path `d`, one unit per module, quiet zone included.

    A poster scales the path to its module size, so the symbol stays vector at any size.
    """

    path: str
    modules: int  # across, quiet zone included


def qr_symbol(data: str) -> Symbol:
    qr = make_qr(data)
    path = qr.make_image(image_factory=SvgPathImage).path.get("d")
    return Symbol(path, qr.modules_count + 2 * QUIET_ZONE)


def qr_png(data: str) -> bytes:
    """A black-on-white 1-bit PNG, for documents and slides."""
    buffer = BytesIO()
    make_qr(data, box_size=PNG_PIXELS_PER_MODULE).make_image(image_factory=PyPNGImage).save(buffer)
    return buffer.getvalue()


def qr_svg(data: str, module_mm: float) -> bytes:
    """A standalone SVG on a white background, `module_mm` per module when printed at 100 %."""
    qr = make_qr(data, box_size=round(module_mm * ONE_UNIT_PER_MODULE))
    buffer = BytesIO()
    qr.make_image(image_factory=SvgPathFillImage).save(buffer)
    return buffer.getvalue()
