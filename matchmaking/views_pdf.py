"""A participant's agenda as a PDF, beside the agenda page and with the same access: an exhibitor's members
under its dashboard, a confirmed visitor through their signed manage link (``views.participant_page``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from . import selectors
from .agenda_pdf import agenda_pdf as draw_agenda_pdf
from .views import participant_page


@require_safe
@participant_page
def agenda_pdf(request, actor):
    if actor.participant is None:
        raise Http404
    body = draw_agenda_pdf(
        participant=actor.participant, items=selectors.agenda_of(participant=actor.participant), name=actor.name
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="b2b-agenda.pdf"'
    return response


urlpatterns = [
    path(
        "exhibitor/<int:exhibitor_pk>/matchmaking/agenda.pdf",
        login_required(agenda_pdf),
        name="mm_exhibitor_agenda_pdf",
    ),
    path("matchmaking/<str:token>/agenda.pdf", agenda_pdf, name="mm_visitor_agenda_pdf"),
]
