"""Badge PDFs from an HTML template with WeasyPrint: one A6 badge, or A4 sheets of four for printing.

The QR code (segno, as an SVG data URI) carries the badge's signed code (``qr.sign``). WeasyPrint is
imported by the functions that draw, not with the module: the admin and the services import this module in
every process, most of which never draw a badge.
"""

import functools
import io
from collections.abc import Iterable, Sequence

import segno
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader, PdfWriter

from . import keys, qr
from .models import BADGE_COLOURS, Badge

BADGES_PER_SHEET = 4


def badge_payload(badge: Badge) -> str:
    return qr.sign(qr.BadgeCode(expo_id=badge.expo_id, number=badge.number, version=badge.version), keys.private_key())


def qr_data_uri(payload: str) -> str:
    # A fixed mask: every mask is valid for every reader, and choosing the "best" one costs
    # segno three times as long as the rest of the code, which counts on a sheet of thousands.
    code = segno.make(payload, error="m", micro=False, mask=2)
    return code.svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


def _card(badge: Badge) -> dict:
    return {
        "badge": badge,
        "qr": qr_data_uri(badge_payload(badge)),
        "type_label": badge.get_type_display(),
        "category_label": badge.get_category_display() if badge.category else "",
    }


@functools.cache
def _stylesheet():
    """Parsed once per process: it depends on nothing but the badge colours."""
    from weasyprint import CSS

    css = render_to_string(
        "visitors/badge.css", {"colours": [(kind.value, colour) for kind, colour in BADGE_COLOURS.items()]}
    )
    return CSS(string=css)


def _document(badges: Sequence[Badge], *, sheet: bool, language: str = "en"):
    from weasyprint import HTML

    with translation.override(language):
        expo = badges[0].expo
        cards = [_card(badge) for badge in badges]
        size = BADGES_PER_SHEET if sheet else 1
        pages = [cards[start : start + size] for start in range(0, len(cards), size)]
        html = render_to_string("visitors/badge.html", {"pages": pages, "expo": expo, "sheet": sheet})
    return HTML(string=html, base_url=".").render(stylesheets=[_stylesheet()])


def badge_pdf(badge: Badge, *, language: str = "en") -> bytes:
    """One A6 badge."""
    return _document([badge], sheet=False, language=language).write_pdf()


def sheet_pdf(chunks: Iterable[Sequence[Badge]], *, progress=None) -> bytes:
    """A4 sheets of four badges, laid out and written chunk by chunk, then joined; ``progress(count)`` after each.

    Each chunk's layout is dropped once it is written, so a worker's memory follows the chunk and the size
    of the finished PDF, not the number of badges (a laid-out badge costs about 0.3 MB; its PDF pages ~5 kB).
    """
    writer = PdfWriter()
    for chunk in chunks:
        if not chunk:
            continue
        writer.append(PdfReader(io.BytesIO(_document(chunk, sheet=True).write_pdf())))
        if progress is not None:
            progress(len(chunk))
    if not writer.pages:
        return b""
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
