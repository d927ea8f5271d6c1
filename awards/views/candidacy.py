"""Candidates put forward from the trade body and exhibitor dashboards, each candidacy's page, and evidence files.

Every view starts from ``awards.access``: a trade body reaches only the exhibitors it nominated, an exhibitor only
itself, and evidence files open only for the secretariat and the assigned jurors; anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from expo import selectors as core_selectors

from .. import access, selectors, services
from ..forms import CandidacyForm
from ..models import Candidate

EVIDENCE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def _put_forward(request, form: CandidacyForm, **kwargs) -> Candidate | None:
    """Call the service with the form's data; its refusal goes next to the field it names."""
    try:
        return services.candidate_put_forward(
            category=form.cleaned_data["category"],
            statement=form.cleaned_data["statement"],
            evidence=form.cleaned_data["evidence"],
            by=request.user,
            **kwargs,
        )
    except services.AwardsError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


@login_required
def trade_body_awards(request, pk: int):
    trade_body = access.trade_body_for_member(request.user, pk)
    expo = core_selectors.expo_current_for(request)
    context = {
        "trade_body": trade_body,
        "candidates": list(selectors.candidates_of_trade_body(trade_body=trade_body, expo=expo)),
        "categories": list(selectors.categories_open(expo=expo)),
    }
    return render(request, "awards/trade_body_awards.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def trade_body_candidate_new(request, pk: int):
    trade_body = access.trade_body_for_member(request.user, pk)
    expo = core_selectors.expo_current_for(request)
    form = CandidacyForm(
        request.POST or None,
        request.FILES or None,
        categories=selectors.categories_open(expo=expo),
        exhibitors=selectors.exhibitors_of_trade_body(trade_body=trade_body, expo=expo),
    )
    if request.method == "POST" and form.is_valid():
        # The form's choices are the trade body's own exhibitors; ``access`` checks the choice again.
        exhibitor = access.exhibitor_of_trade_body(
            trade_body=trade_body, expo=expo, pk=form.cleaned_data["exhibitor"].pk
        )
        candidate = _put_forward(
            request, form, exhibitor=exhibitor, route=Candidate.Route.TRADE_BODY, trade_body=trade_body
        )
        if candidate is not None:
            messages.success(
                request,
                _("%(exhibitor)s is put forward for %(category)s.")
                % {
                    "exhibitor": exhibitor.name,
                    "category": candidate.category.display_name,
                },
            )
            return redirect("awards_candidate", candidate.pk)
    context = {"trade_body": trade_body, "form": form}
    return render(request, "awards/candidate_form.html", context)


@login_required
def exhibitor_awards(request, pk: int):
    exhibitor = access.exhibitor_for_member(request.user, pk)
    context = {
        "exhibitor": exhibitor,
        "candidates": list(selectors.candidates_of_exhibitor(exhibitor=exhibitor)),
        "categories": list(selectors.categories_open(expo=exhibitor.expo)),
        "tab": "awards",
    }
    return render(request, "awards/exhibitor_awards.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exhibitor_candidate_new(request, pk: int):
    exhibitor = access.exhibitor_for_member(request.user, pk)
    form = CandidacyForm(
        request.POST or None, request.FILES or None, categories=selectors.categories_open(expo=exhibitor.expo)
    )
    if request.method == "POST" and form.is_valid():
        candidate = _put_forward(request, form, exhibitor=exhibitor, route=Candidate.Route.SELF)
        if candidate is not None:
            messages.success(
                request, _("You are put forward for %(category)s.") % {"category": candidate.category.display_name}
            )
            return redirect("awards_candidate", candidate.pk)
    context = {"exhibitor": exhibitor, "form": form, "tab": "awards"}
    return render(request, "awards/candidate_form.html", context)


@login_required
def candidate_detail(request, pk: int):
    candidate = access.candidate_for_user(request.user, pk)
    candidate = selectors.candidate_page(pk=candidate.pk)
    context = {
        "candidate": candidate,
        "reasons": services.reasons_text(candidate.rules_reasons),
        "may_open_evidence": access.may_open_evidence(request.user, candidate),
    }
    return render(request, "awards/candidate.html", context)


@login_required
def evidence_file(request, pk: int):
    """An evidence file, from private storage, for those ``access.evidence_for_user`` lets through.

    Sent as a download with its type fixed by the checked content and sniffing off, so that a browser never
    renders it as a page of the portal.
    """
    evidence = access.evidence_for_user(request.user, pk)
    extension = evidence.file.name.rsplit(".", 1)[-1].lower()
    if extension not in EVIDENCE_CONTENT_TYPES:
        raise Http404
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"evidence-{evidence.pk}.{extension}"
    response = FileResponse(
        handle, content_type=EVIDENCE_CONTENT_TYPES[extension], as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("trade-bodies/<int:pk>/awards/", trade_body_awards, name="awards_trade_body"),
    path("trade-bodies/<int:pk>/awards/new/", trade_body_candidate_new, name="awards_trade_body_new"),
    path("exhibitor/<int:pk>/awards/", exhibitor_awards, name="awards_exhibitor"),
    path("exhibitor/<int:pk>/awards/new/", exhibitor_candidate_new, name="awards_exhibitor_new"),
    path("awards/candidates/<int:pk>/", candidate_detail, name="awards_candidate"),
    path("awards/evidence/<int:pk>/", evidence_file, name="awards_evidence"),
]
