"""The jurors' pages: their candidates per round, each candidate's scoring page, and their declarations of conflict.

Every view starts from ``awards.access``: jurors hold the jurors' permission and sign in with an authenticator,
like staff; a candidate not assigned to them, or one they have an open conflict flag with, is a 404. A juror sees
only their own sheets, never another juror's scores.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import access, jury
from .. import jury_selectors as selectors
from ..jury_forms import DeclarationForm, ScoreSheetForm


def _declaration_form(request, data=None) -> DeclarationForm:
    return DeclarationForm(data, candidates=selectors.declarable_candidates(user=request.user))


@login_required
def jury_home(request):
    access.jurors_for_user(request.user)
    context = {"rounds": selectors.juror_rounds(user=request.user), "declaration_form": _declaration_form(request)}
    return render(request, "awards/jury_home.html", context)


@login_required
@require_POST
def jury_declare(request):
    jurors = {juror.expo_id: juror for juror in access.jurors_for_user(request.user)}
    form = _declaration_form(request, request.POST)
    if form.is_valid():
        candidate = form.cleaned_data["candidate"]
        juror = jurors.get(candidate.category.expo_id)
        if juror is None:
            raise Http404
        try:
            jury.conflict_declare(juror=juror, candidate=candidate, reason=form.cleaned_data["reason"], by=request.user)
        except jury.AwardsError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                _("Your conflict with %(candidate)s is recorded; the candidate is no longer shown to you.")
                % {"candidate": candidate.exhibitor.name},
            )
            return redirect("awards_jury")
    context = {"rounds": selectors.juror_rounds(user=request.user), "declaration_form": form}
    return render(request, "awards/jury_home.html", context, status=400)


@login_required
def jury_candidate(request, pk: int):
    """Where the QR code on a candidate's stall sign leads: the juror's scoring page for it."""
    assignment = access.current_assignment_for_juror(request.user, pk)
    return redirect("awards_jury_score", assignment.round_id, assignment.candidate_id)


@login_required
@require_http_methods(["GET", "POST"])
def jury_score(request, round_pk: int, pk: int):
    assignment = access.assignment_for_juror(request.user, round_pk=round_pk, candidate_pk=pk)
    page = selectors.scoring_page(assignment=assignment)
    locked = assignment.round.is_closed
    form = ScoreSheetForm(
        request.POST if request.method == "POST" else None,
        criteria=page["criteria"],
        sheet=page["sheet"],
        scores=page["scores"],
    )
    if request.method == "POST" and not locked and form.is_valid():
        submit = "submit" in request.POST
        try:
            jury.sheet_save(
                assignment=assignment,
                values=form.values(),
                abstain=form.cleaned_data["abstain"],
                abstain_reason=form.cleaned_data["abstain_reason"],
                submit=submit,
                by=request.user,
            )
        except jury.SheetRefused as error:
            for field, message in error.errors.items():
                form.add_error(field, message)
        except jury.AwardsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your scores are submitted.") if submit else _("Your draft is saved."))
            return redirect("awards_jury_score", assignment.round_id, assignment.candidate_id)
    status = 200
    if request.method == "POST":
        status = 409 if locked else 400
        if locked:
            form.add_error(None, _("The round is closed: its scores are locked."))
    context = {"assignment": assignment, "form": form, "locked": locked, **page}
    return render(request, "awards/jury_score.html", context, status=status)


urlpatterns = [
    path("awards/jury/", jury_home, name="awards_jury"),
    path("awards/jury/declare/", jury_declare, name="awards_jury_declare"),
    path("awards/jury/candidates/<int:pk>/", jury_candidate, name="awards_jury_candidate"),
    path("awards/jury/rounds/<int:round_pk>/candidates/<int:pk>/", jury_score, name="awards_jury_score"),
]
