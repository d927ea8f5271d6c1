"""The secretariat's leaderboards: the hand-computed example through the page, nothing shown before the round
closes, exports through the formula-safe helper, constant queries, and who may not see them."""

import csv
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards.models import Round
from expo import roles
from tests.awards.scored import scored_round
from tests.conftest import staff_member
from tests.factories import AwardCategoryFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return staff_member(roles.AWARDS_SECRETARIAT)


@pytest.fixture
def scored(category):
    category.winners, category.runners_up = 1, 1
    category.save()
    return scored_round(category)


def _lines(html: str, testid: str) -> list[list[str]]:
    """The cells of each row of the leaderboard table ``testid``, as text (parts of explanations joined by |)."""
    table = html.split(f'data-testid="board-{testid}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-testid="line">(.*?)</tr>', table, re.S)
    return [
        [
            unescape(re.sub(r"\s+", " ", re.sub(r"</li><li>", " | ", re.sub(r"<(?!/?li)[^>]+>", "", cell))).strip())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def _rows(html: str, testid: str) -> list[list[str]]:
    return [cells[:4] for cells in _lines(html, testid)]


def _explanations(html: str, testid: str) -> list[str]:
    return [re.sub(r"</?li>", "", cells[4]) for cells in _lines(html, testid)]


def test_leaderboards_match_the_hand_computed_example(client, scored, secretary):
    client.force_login(secretary)
    response = client.get(reverse("awards_staff_leaderboard", args=[scored.round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html, "normalised") == [
        ["1", "Sialkot Surgical Works", "Winner", "0.652"],
        ["2", "Gujranwala Fans", "Runner-up", "0.112"],
        ["3", "Faisalabad Weavers", "", "-1.147"],
    ]
    assert _rows(html, "raw") == [
        ["1", "Sialkot Surgical Works", "Winner", "6.000"],
        ["2", "Gujranwala Fans", "Runner-up", "6.000"],
        ["3", "Faisalabad Weavers", "", "4.000"],
    ]
    normalised = _explanations(html, "normalised")
    assert "Juror lenient: 8.00 against the juror's mean 8.33 (sd 1.25): z = -0.267" in normalised[0]
    assert "Juror third: abstained, not counted" in normalised[2]
    raw = _explanations(html, "raw")
    # The raw tie is broken by the jurors who ranked each first: two for the winner, one for the runner-up.
    assert "tied on the mean with Gujranwala Fans; placed by the jurors who ranked it first (2)" in raw[0]
    assert "tied on the mean with Sialkot Surgical Works; placed by the jurors who ranked it first (1)" in raw[1]
    assert "Tie rule:" in html


def test_nothing_but_progress_before_the_round_closes(client, category, secretary):
    scored = scored_round(category, closed=False)
    client.force_login(secretary)
    response = client.get(reverse("awards_staff_leaderboard", args=[scored.round.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "8 sheets submitted, 1 abstentions and 0 drafts of 9 assignments." in html
    assert 'data-testid="not-closed"' in html
    assert "board-normalised" not in html
    assert "Sialkot Surgical Works" not in html
    assert "6.000" not in html
    for mode in ("normalised", "raw"):
        for extension in ("csv", "xlsx"):
            url = reverse("awards_staff_leaderboard_export", args=[scored.round.pk, mode, extension])
            assert client.get(url).status_code == 404


def test_exports_carry_the_leaderboard_and_neutralise_formulas(client, category, secretary):
    category.winners = 1
    category.save()
    names = ['=HYPERLINK("http://x.example")', "Gujranwala Fans", "Faisalabad Weavers"]
    scored = scored_round(category, names=names)
    client.force_login(secretary)
    url = reverse("awards_staff_leaderboard_export", args=[scored.round.pk, "raw", "csv"])
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Exhibitor", "Place", "Score"]
    assert [row[:4] for row in rows[1:]] == [
        ["1", '\'=HYPERLINK("http://x.example")', "Winner", "6.0"],
        ["2", "Gujranwala Fans", "", "6.0"],
        ["3", "Faisalabad Weavers", "", "4.0"],
    ]
    response = client.get(reverse("awards_staff_leaderboard_export", args=[scored.round.pk, "normalised", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row][:2] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [1, '=HYPERLINK("http://x.example")']
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert (
        client.get(reverse("awards_staff_leaderboard_export", args=[scored.round.pk, "raw", "exe"])).status_code == 404
    )


def test_leaderboard_queries_constant_in_the_number_of_scores(client, expo, secretary):
    small = scored_round(AwardCategoryFactory(expo=expo))
    large_category = AwardCategoryFactory(expo=expo)
    large = scored_round(large_category)
    # Three more candidates each scored by all three jurors: twice the scores.
    from awards.models import Assignment, Score, ScoreSheet
    from tests.factories import AwardCandidateFactory

    for n in range(3):
        candidate = AwardCandidateFactory(category=large_category, exhibitor=ExhibitorFactory(nomination__expo=expo))
        for juror in large.jurors.values():
            sheet = ScoreSheet.objects.create(
                assignment=Assignment.objects.create(juror=juror, candidate=candidate, round=large.round),
                status=ScoreSheet.Status.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for criterion in large.round.criteria.all():
                Score.objects.create(sheet=sheet, criterion=criterion, value=3 + n)
    client.force_login(secretary)

    def count(round: Round) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("awards_staff_leaderboard", args=[round.pk]))
        assert response.status_code == 200
        assert "board-raw" in response.content.decode()
        return len(queries)

    assert count(small.round) == count(large.round)


@pytest.mark.parametrize("who", ["anonymous", "floor_manager", "juror", "secretary_without_mfa", "exhibitor"])
def test_leaderboards_and_exports_refused(client, scored, who, exhibitor_member):
    from tests.conftest import add_to_role
    from tests.factories import UserFactory

    if who == "floor_manager":
        client.force_login(staff_member(roles.FLOOR_MANAGERS))
    elif who == "juror":
        client.force_login(scored.jurors["harsh"].user)
    elif who == "exhibitor":
        client.force_login(exhibitor_member)
    elif who == "secretary_without_mfa":
        user = UserFactory()
        add_to_role(user, roles.AWARDS_SECRETARIAT, mfa=False)
        client.force_login(user)
    urls = [
        reverse("awards_staff_rounds"),
        reverse("awards_staff_leaderboard", args=[scored.round.pk]),
        reverse("awards_staff_leaderboard_export", args=[scored.round.pk, "raw", "csv"]),
        reverse("awards_staff_leaderboard_export", args=[scored.round.pk, "normalised", "xlsx"]),
    ]
    for url in urls:
        response = client.get(url)
        if who == "secretary_without_mfa":
            # Sent to set up an authenticator; nothing of the leaderboard shown.
            assert response.status_code in (302, 403), url
        else:
            assert response.status_code == 404, url
        assert b"Sialkot Surgical Works" not in response.content


def test_a_withdrawn_candidate_is_neither_ranked_nor_counted(client, scored, secretary):
    withdrawn = scored.candidates[2]
    withdrawn.status = withdrawn.Status.WITHDRAWN
    withdrawn.save()
    client.force_login(secretary)
    html = client.get(reverse("awards_staff_leaderboard", args=[scored.round.pk])).content.decode()
    # Each juror's z-scores are now over the two candidates left: +1 and −1 (the lenient juror the other way).
    assert _rows(html, "normalised") == [
        ["1", "Sialkot Surgical Works", "Winner", "0.333"],
        ["2", "Gujranwala Fans", "Runner-up", "-0.333"],
    ]
    assert "Faisalabad Weavers" not in html
