"""A participant's agenda as a PDF to print or keep on a phone: who, when, where and the other side's contact.

Drawn with WeasyPrint from ``matchmaking/agenda_pdf.html`` in the language of the page it was asked from (Urdu
right to left) and in the expo's time zone. WeasyPrint is imported when drawing, not with the module: most
processes that import the app never draw an agenda.
"""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Participant
from .selectors import AgendaItem


def agenda_pdf(*, participant: Participant, items: list[AgendaItem], name: str) -> bytes:
    """The agenda of ``participant`` (``items`` from ``selectors.agenda_of``), headed with ``name``."""
    from weasyprint import HTML

    expo = participant.expo
    delegation = [line.strip() for line in participant.delegation_members.splitlines() if line.strip()]
    with timezone.override(ZoneInfo(expo.time_zone)):
        html = render_to_string(
            "matchmaking/agenda_pdf.html",
            {
                "expo": expo,
                "participant": participant,
                "name": name,
                "delegation": delegation,
                "items": items,
                "bidi": translation.get_language_bidi(),
                "printed_at": timezone.localtime(),
            },
        )
    return HTML(string=html, base_url=".").write_pdf()
