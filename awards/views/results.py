"""The secretariat's leaderboards and results: each round's progress, then, once it closes, its raw and normalised
leaderboards with every rank explained, exported through ``expo.exports``; approving and publishing the winners,
the ceremony's running order; and the public pages: the published winners and each certificate's verification.

Every page is a staff page (``expo.staff.staff_page``): a permission of the awards secretariat and an
authenticator. Jurors, other staff and the public get a 404, like a page that does not exist.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from expo import caching, exports
from expo import selectors as core_selectors
from expo.staff import staff_page

from .. import certificates, judging, leaderboards, results, selectors
from ..models import Category, Result

LEADERBOARD_PERMISSION = "awards.view_scoresheet"  # reading scores: the secretariat, never a juror
RESULTS_PERMISSION = "awards.view_result"
APPROVE_PERMISSION = "awards.approve_result"
PUBLISH_PERMISSION = "awards.publish_result"
MODES = (judging.NORMALISED, judging.RAW)


class ApproveForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Leaderboard"), choices=Result.Mode.choices)


@require_safe
@staff_page(LEADERBOARD_PERMISSION)
def staff_rounds(request):
    expo = core_selectors.expo_current_for(request)
    return render(
        request,
        "awards/staff/rounds.html",
        {"expo": expo, "rounds": list(leaderboards.rounds_of_expo(expo=expo))},
    )


@require_safe
@staff_page(LEADERBOARD_PERMISSION)
def staff_leaderboard(request, pk: int):
    round = leaderboards.round_for_staff(pk=pk)
    context = {"round": round, "category": round.category, "progress": leaderboards.round_progress(round=round)}
    if round.is_closed:
        try:
            context["boards"] = leaderboards.round_boards(round=round)
        except judging.JudgingInputError as error:
            context["error"] = str(error)
    return render(request, "awards/staff/leaderboard.html", context)


@require_safe
@staff_page(LEADERBOARD_PERMISSION)
def staff_leaderboard_export(request, pk: int, mode: str, extension: str):
    if mode not in MODES or extension not in ("csv", "xlsx"):
        raise Http404
    round = leaderboards.round_for_staff(pk=pk)
    boards = leaderboards.round_boards(round=round)  # a 404 before the round closes
    rows = leaderboards.export_rows(boards, mode)
    filename = f"leaderboard-{round.category_id}-{round.kind}-{mode}.{extension}"
    if extension == "csv":
        return exports.csv_response(rows, filename=filename)
    return exports.xlsx_response([(mode, rows)], filename=filename)


@require_safe
@staff_page(RESULTS_PERMISSION)
def staff_results(request):
    expo = core_selectors.expo_current_for(request)
    context = {
        "expo": expo,
        "categories": list(selectors.categories_for_results(expo=expo)),
        "form": ApproveForm(initial={"mode": Result.Mode.NORMALISED}),
    }
    return render(request, "awards/staff/results.html", context)


@require_POST
@staff_page(APPROVE_PERMISSION)
def staff_results_approve(request, pk: int):
    category = get_object_or_404(Category.objects.select_related("expo"), pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            results.results_approve(category=category, mode=form.cleaned_data["mode"], by=request.user)
        except results.ResultsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The results of %(category)s are approved.") % {"category": category})
    else:
        messages.error(request, _("Choose the normalised or the raw leaderboard."))
    return redirect("awards_staff_results")


@require_POST
@staff_page(PUBLISH_PERMISSION)
def staff_results_publish(request):
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        raise Http404
    category = None
    if request.POST.get("category"):
        category = get_object_or_404(Category, pk=request.POST["category"], expo=expo)
    try:
        count = results.results_publish(expo=expo, category=category, site_url=request.build_absolute_uri("/"))
    except results.ResultsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(count)s results published; their certificates are on their way.") % {"count": count}
        )
    return redirect("awards_staff_results")


@require_safe
@staff_page(RESULTS_PERMISSION)
def staff_running_order(request):
    expo = core_selectors.expo_current_for(request)
    return render(
        request, "awards/staff/running_order.html", {"expo": expo, "order": selectors.running_order(expo=expo)}
    )


@require_safe
def public_awards(request):
    def build():
        expo = core_selectors.expo_current_for(request)
        categories = selectors.published_by_category(expo=expo)
        return render(request, "awards/public.html", {"expo": expo, "categories": categories})

    return caching.cached_public_page(request, version_key=results.AWARDS_VERSION_KEY, build=build)


@require_safe
def public_certificate(request, public_id: str):
    def build():
        try:
            certificate = certificates.certificate_public(public_id=public_id)
        except Http404:
            return render(request, "awards/certificate_not_found.html", status=404)
        return render(request, "awards/certificate.html", {"certificate": certificate, "result": certificate.result})

    return caching.cached_public_page(request, version_key=results.AWARDS_VERSION_KEY, build=build)


urlpatterns = [
    path("awards/", public_awards, name="awards_public"),
    path("awards/certificates/<str:public_id>/", public_certificate, name="awards_certificate"),
    path("awards/staff/results/", staff_results, name="awards_staff_results"),
    path("awards/staff/results/<int:pk>/approve/", staff_results_approve, name="awards_staff_results_approve"),
    path("awards/staff/results/publish/", staff_results_publish, name="awards_staff_results_publish"),
    path("awards/staff/running-order/", staff_running_order, name="awards_staff_running_order"),
    path("awards/staff/", staff_rounds, name="awards_staff_rounds"),
    path("awards/staff/rounds/<int:pk>/", staff_leaderboard, name="awards_staff_leaderboard"),
    path(
        "awards/staff/rounds/<int:pk>/<str:mode>.<str:extension>",
        staff_leaderboard_export,
        name="awards_staff_leaderboard_export",
    ),
]
