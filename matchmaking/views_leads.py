"""Outcome pages of leads for both sides, and the pages behind the follow-up emails' one-click links.

Exhibitors (members, signed in) record outcomes on their leads and on their meetings from the agenda; a visitor
does the same through their signed manage link. Reaching a lead goes through ``lead_access`` (exhibitor) or
``outcome_selectors`` (visitor): anyone else gets a 404.

The follow-up links need no sign-in; their signature is their key. Opening one shows the answer with a button
that records it (a POST): mail scanners that open every link of an email must not answer for the reader. A link
that was altered gets a 400 page saying so.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import followup, lead_access, outcome_selectors, outcomes
from .models import LeadEvent
from .outcome_forms import AnswerForm, OutcomeForm
from .services import MatchmakingError
from .views import participant_page


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _outcome_page(request, *, lead, form, viewer: str, context: dict):
    history = outcome_selectors.lead_history(lead, viewer=viewer) if lead is not None else []
    contact = lead_access.contact_of(lead) if lead is not None and context.get("exhibitor") else None
    return _private(
        render(
            request,
            "matchmaking/leads/outcome.html",
            {"lead": lead, "form": form, "history": history, "contact": contact, **context},
        )
    )


def _record(form, record, *, lead):
    """Run ``record`` with the form's outcome and return what it returns; a refusal goes next to its field and
    gives None."""
    try:
        return record(**form.outcome(lead))
    except MatchmakingError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


@require_http_methods(["GET", "POST"])
@login_required
def exhibitor_lead_outcome(request, exhibitor_pk: int, pk: int):
    lead = lead_access.lead_for(request.user, exhibitor_pk=exhibitor_pk, pk=pk)
    form = OutcomeForm(request.POST or None, lead=lead, exhibitor_side=True)
    if request.method == "POST" and form.is_valid():
        saved = _record(
            form,
            lambda **outcome: outcomes.lead_outcome_record(
                lead=lead, side=LeadEvent.Side.EXHIBITOR, by=request.user, **outcome
            ),
            lead=lead,
        )
        if saved is not None:
            messages.success(request, _("The outcome is recorded."))
            return redirect("lead_outcome", exhibitor_pk, pk)
    context = {"exhibitor": lead.exhibitor, "tab": "leads"}
    return _outcome_page(request, lead=lead, form=form, viewer=LeadEvent.Side.EXHIBITOR, context=context)


@require_http_methods(["GET", "POST"])
@participant_page
def meeting_outcome(request, actor, meeting_pk: int):
    meeting, exhibitor = outcome_selectors.meeting_for_outcome(actor=actor, pk=meeting_pk)
    lead = outcome_selectors.meeting_lead_of(meeting=meeting, exhibitor=exhibitor)
    started = outcome_selectors.meeting_started(meeting)
    form = OutcomeForm(request.POST or None, lead=lead, exhibitor_side=actor.is_exhibitor)
    if request.method == "POST" and not started:
        form.is_valid()
        form.add_error(None, _("You can record the outcome once the meeting has begun."))
    elif request.method == "POST" and form.is_valid():
        side = LeadEvent.Side.EXHIBITOR if actor.is_exhibitor else LeadEvent.Side.VISITOR
        by = request.user if request.user.is_authenticated else None
        made = _record(
            form,
            lambda **outcome: outcomes.meeting_outcome_record(
                meeting=meeting, exhibitor=exhibitor, side=side, by=by, **outcome
            ),
            lead=lead,
        )
        if made is not None:
            messages.success(request, _("The outcome of the meeting is recorded."))
            if actor.is_exhibitor:
                return redirect("lead_outcome", exhibitor.pk, made.pk)
            return redirect("visitor_lead_outcome", actor.token, made.pk)
    context = {
        "actor": actor,
        "token": actor.token,
        "exhibitor": actor.exhibitor,
        "tab": "matchmaking",
        "meeting": meeting,
        "met": exhibitor.name if not actor.is_exhibitor else None,
        "started": started,
    }
    viewer = LeadEvent.Side.EXHIBITOR if actor.is_exhibitor else LeadEvent.Side.VISITOR
    return _outcome_page(request, lead=lead, form=form, viewer=viewer, context=context)


@require_safe
def visitor_leads(request, token: str):
    registration = outcome_selectors.registration_for(token)
    leads = outcome_selectors.visitor_leads(registration)
    context = {"registration": registration, "token": token, "leads": leads}
    return _private(render(request, "matchmaking/leads/visitor_leads.html", context))


@require_http_methods(["GET", "POST"])
def visitor_lead_outcome(request, token: str, pk: int):
    registration, lead = outcome_selectors.visitor_lead_for(token=token, pk=pk)
    form = OutcomeForm(request.POST or None, lead=lead, exhibitor_side=False)
    if request.method == "POST" and form.is_valid():
        saved = _record(
            form,
            lambda **outcome: outcomes.lead_outcome_record(lead=lead, side=LeadEvent.Side.VISITOR, by=None, **outcome),
            lead=lead,
        )
        if saved is not None:
            messages.success(request, _("The outcome is recorded."))
            return redirect("visitor_lead_outcome", token, pk)
    context = {"registration": registration, "token": token, "met": lead.exhibitor.name}
    return _outcome_page(request, lead=lead, form=form, viewer=LeadEvent.Side.VISITOR, context=context)


def _refused(request, error: MatchmakingError):
    return _private(render(request, "matchmaking/leads/link_refused.html", {"message": str(error)}, status=400))


@require_http_methods(["GET", "POST"])
def followup_answer(request, token: str):
    try:
        answer = followup.answer_from_token(token)
        state = followup.answer_state(answer)
    except followup.FollowUpLinkError as error:
        return _refused(request, error)
    form = AnswerForm(request.POST or None, value_required=answer.answer == "value")
    if request.method == "POST" and state.recorded is None and state.lead.is_open and form.is_valid():
        try:
            state = followup.answer_record(
                answer=answer,
                value_amount=form.cleaned_data["value_amount"],
                value_currency=form.cleaned_data["value_currency"],
            )
        except followup.FollowUpLinkError as error:
            return _refused(request, error)
        except MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return redirect(reverse("followup_answer", args=[token]))
    context = {
        "answer": answer,
        "label": outcomes.ANSWER_LABELS[answer.answer],
        "lead": state.lead,
        "recorded": state.recorded,
        "form": form,
        "other": state.lead.exhibitor.name if answer.side == "visitor" else lead_access.contact_of(state.lead).name,
    }
    return _private(render(request, "matchmaking/leads/answer.html", context))


@require_http_methods(["GET", "POST"])
def followup_unsubscribe(request, token: str):
    try:
        expo, digest = followup.unsubscribe_from_token(token)
    except followup.FollowUpLinkError as error:
        return _refused(request, error)
    if request.method == "POST":
        followup.opt_out(expo=expo, digest=digest)
        return redirect(reverse("followup_unsubscribe", args=[token]))
    done = followup.opted_out(expo=expo, digest=digest)
    return _private(render(request, "matchmaking/leads/unsubscribe.html", {"expo": expo, "done": done}))


urlpatterns = [
    path("exhibitor/<int:exhibitor_pk>/leads/<int:pk>/outcome/", exhibitor_lead_outcome, name="lead_outcome"),
    path(
        "exhibitor/<int:exhibitor_pk>/matchmaking/meetings/<int:meeting_pk>/outcome/",
        login_required(meeting_outcome),
        name="mm_exhibitor_meeting_outcome",
    ),
    path(
        "matchmaking/<str:token>/meetings/<int:meeting_pk>/outcome/",
        meeting_outcome,
        name="mm_visitor_meeting_outcome",
    ),
    path("matchmaking/<str:token>/leads/", visitor_leads, name="visitor_leads"),
    path("matchmaking/<str:token>/leads/<int:pk>/", visitor_lead_outcome, name="visitor_lead_outcome"),
    path("followup/answer/<str:token>/", followup_answer, name="followup_answer"),
    path("followup/unsubscribe/<str:token>/", followup_unsubscribe, name="followup_unsubscribe"),
]
