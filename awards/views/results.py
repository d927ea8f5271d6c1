"""The secretariat's leaderboards and results: each round's progress, then, once it closes, its raw and normalised
leaderboards with every rank explained, exported through ``expo.exports``.

Every page is a staff page (``expo.staff.staff_page``): a permission of the awards secretariat and an
authenticator. Jurors, other staff and the public get a 404, like a page that does not exist.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from expo import exports
from expo import selectors as core_selectors
from expo.staff import staff_page

from .. import judging, leaderboards

LEADERBOARD_PERMISSION = "awards.view_scoresheet"  # reading scores: the secretariat, never a juror
MODES = (judging.NORMALISED, judging.RAW)


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


urlpatterns = [
    path("awards/staff/", staff_rounds, name="awards_staff_rounds"),
    path("awards/staff/rounds/<int:pk>/", staff_leaderboard, name="awards_staff_leaderboard"),
    path(
        "awards/staff/rounds/<int:pk>/<str:mode>.<str:extension>",
        staff_leaderboard_export,
        name="awards_staff_leaderboard_export",
    ),
]
