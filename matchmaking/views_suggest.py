"""A participant's suggestions of whom to meet, each with its reason and a one-click request.

The same pages as in ``views``: under the exhibitor's dashboard for its members, and under a confirmed visitor's
signed manage link; ``participant_page`` is the permission check. Suggestions are read as stored; they are
recomputed in the background (``suggest_services``), never here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from visitors.countries import COUNTRIES

from . import services, suggest, suggest_selectors
from .models import Priority
from .views import _joined, _render, _site_url, participant_page

# A one-click request asks with this priority; the request form offers the others.
ONE_CLICK_PRIORITY = Priority.WOULD


def _param(key: str, value: object) -> object:
    """A reason's parameter in the reader's language: a name kept in English and Urdu, a country by its code."""
    if isinstance(value, dict):
        return value.get("ur") if get_language() == "ur" and value.get("ur") else value.get("en", "")
    if key == "country":
        return dict(COUNTRIES).get(value, value)
    return value


def reason_text(reasons: list) -> str:
    """The reason of a suggestion in one line, in the reader's language."""
    parts = []
    for code, params in reasons:
        template = suggest.MESSAGES.get(code)
        if template is not None:
            parts.append(_(template) % {key: _param(key, value) for key, value in params.items()})
    return "; ".join(parts)


@require_safe
@participant_page
def suggestions(request, actor):
    _joined(actor)
    rows = [
        {
            "suggestion": suggestion,
            "name": suggestion.exhibitor.name if suggestion.exhibitor_id else suggestion.other.organisation,
            "reason": reason_text(suggestion.reasons),
        }
        for suggestion in suggest_selectors.suggestions_of(participant=actor.participant)
    ]
    pending = not rows and suggest_selectors.suggestions_pending(participant=actor.participant)
    return _render(request, actor, "suggestions.html", {"rows": rows, "pending": pending}, section="suggestions")


@require_POST
@participant_page
def suggestion_ask(request, actor, pk: int):
    _joined(actor)
    suggestion = suggest_selectors.suggestion_for(actor=actor, pk=pk)
    try:
        meeting_request = services.request_send(
            sender=actor.participant,
            exhibitor_id=suggestion.exhibitor_id,
            participant_id=suggestion.other_id,
            message="",
            priority=ONE_CLICK_PRIORITY,
            by=request.user if request.user.is_authenticated else None,
            site_url=_site_url(request),
        )
    except services.MatchmakingError as error:
        messages.error(request, _("Your request was not sent: %(error)s") % {"error": error})
    else:
        messages.success(
            request,
            _("Your request to %(name)s is sent. We email you when it is answered.")
            % {"name": meeting_request.receiver},
        )
    return redirect(actor.url("suggestions"))


PAGES = [
    ("suggestions/", suggestions, "suggestions"),
    ("suggestions/<int:pk>/ask/", suggestion_ask, "suggestion_ask"),
]

urlpatterns = [
    *(
        path(f"exhibitor/<int:exhibitor_pk>/matchmaking/{route}", login_required(view), name=f"mm_exhibitor_{name}")
        for route, view, name in PAGES
    ),
    *(path(f"matchmaking/<str:token>/{route}", view, name=f"mm_visitor_{name}") for route, view, name in PAGES),
]
