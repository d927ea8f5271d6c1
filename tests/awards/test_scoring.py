"""Jurors score their candidates: the rubric with its score bands, drafts and submission, comments required at the
ends of the scale, abstentions with a reason, scores locked when the round closes, and no juror ever shown another
juror's scores; the stall sign's QR code leads to the scoring page."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Score, ScoreSheet
from expo import roles
from tests.awards.jury import assign, juror_with_account, round_with_rubric, sheet_data
from tests.conftest import staff_member
from tests.factories import AwardCandidateFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(category):
    return round_with_rubric(category)


@pytest.fixture
def candidate(category, exhibitor):
    return AwardCandidateFactory(category=category, exhibitor=exhibitor, statement="Tripled its exports.")


@pytest.fixture
def juror(expo, round, candidate):
    juror = juror_with_account(expo, round=round, name="Sana Mir")
    assign(juror, candidate, round)
    return juror


@pytest.fixture
def colleague(expo, round, candidate):
    colleague = juror_with_account(expo, round=round, name="Omar Khan")
    assign(colleague, candidate, round)
    return colleague


def _url(round, candidate):
    return reverse("awards_jury_score", args=[round.pk, candidate.pk])


def test_juror_sees_the_candidate_and_the_rubric_with_its_bands(client, juror, round, candidate):
    client.force_login(juror.user)
    response = client.get(_url(round, candidate))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tripled its exports." in page
    assert "Export growth: best in the country" in page
    assert "Innovation: none to speak of" in page
    assert page.count('data-testid="criterion"') == 2


def test_draft_saved_then_submitted(client, juror, round, candidate):
    client.force_login(juror.user)

    draft = client.post(_url(round, candidate), sheet_data(round, {"Export growth": (7, "")}, draft=""))
    assert draft.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert sheet.status == "draft"
    assert list(sheet.scores.order_by("pk").values_list("value", flat=True)) == [7]

    incomplete = client.post(_url(round, candidate), sheet_data(round, {"Export growth": (7, "")}, submit=""))
    assert incomplete.status_code == 400
    field = f"score_{round.criteria.get(name='Innovation').pk}"
    assert incomplete.context["form"].errors[field] == ["Score this criterion before you submit."]
    assert ScoreSheet.objects.get().status == "draft"

    done = client.post(
        _url(round, candidate), sheet_data(round, {"Export growth": (7, ""), "Innovation": (5, "Solid.")}, submit="")
    )
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    assert sheet.submitted_at is not None
    assert sorted(Score.objects.filter(sheet=sheet).order_by("pk").values_list("value", "comment")) == [
        (5, "Solid."),
        (7, ""),
    ]
    assert "Submitted" in client.get(_url(round, candidate)).content.decode()


@pytest.mark.parametrize("value", [1, 2, 9, 10])
def test_a_score_at_either_end_needs_a_comment(client, juror, round, candidate, value):
    client.force_login(juror.user)
    response = client.post(_url(round, candidate), sheet_data(round, {"Export growth": (value, " ")}, draft=""))
    assert response.status_code == 400
    field = f"comment_{round.criteria.get(name='Export growth').pk}"
    assert response.context["form"].errors[field] == [f"A score of {value} needs a comment saying why."]
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("value", ["0", "11", "seven"])
def test_a_score_out_of_range_is_refused(client, juror, round, candidate, value):
    client.force_login(juror.user)
    response = client.post(_url(round, candidate), sheet_data(round, {"Export growth": (value, "x")}, draft=""))
    assert response.status_code == 400
    assert response.context["form"].errors[f"score_{round.criteria.get(name='Export growth').pk}"]
    assert not ScoreSheet.objects.exists()


def test_abstaining_needs_a_reason(client, juror, round, candidate):
    client.force_login(juror.user)
    refused = client.post(_url(round, candidate), sheet_data(round, abstain="on", abstain_reason="", submit=""))
    assert refused.status_code == 400
    assert refused.context["form"].errors["abstain_reason"] == ["Say why you abstain."]
    assert not ScoreSheet.objects.exists()

    done = client.post(
        _url(round, candidate), sheet_data(round, abstain="on", abstain_reason="Not my field.", submit="")
    )
    assert done.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert (sheet.abstained, sheet.abstain_reason, sheet.status) == (True, "Not my field.", "submitted")
    assert not sheet.scores.exists()


def test_no_juror_sees_another_jurors_scores(client, juror, colleague, round, candidate):
    client.force_login(juror.user)
    client.post(
        _url(round, candidate),
        sheet_data(round, {"Export growth": (10, "Remarkable exporter"), "Innovation": (6, "")}, submit=""),
    )
    client.force_login(colleague.user)
    for url in (_url(round, candidate), reverse("awards_jury")):
        page = client.get(url).content.decode()
        assert "Remarkable exporter" not in page
        assert not re.search(r'<option value="10"\s+selected', page)


def test_juror_sees_only_assigned_candidates(client, juror, round, category, expo):
    unassigned = AwardCandidateFactory(category=category, exhibitor=ExhibitorFactory(nomination__expo=expo))
    client.force_login(juror.user)
    home = client.get(reverse("awards_jury")).content.decode()
    listed = re.findall(r'data-testid="jury-candidate">\s*<a href="[^"]+">([^<]+)</a>', home)
    assert listed == [juror.assignments.get().candidate.exhibitor.name]
    assert client.get(_url(round, unassigned)).status_code == 404
    assert client.get(reverse("awards_jury_candidate", args=[unassigned.pk])).status_code == 404


def test_scores_cannot_change_after_the_round_closes(client, juror, round, candidate):
    client.force_login(juror.user)
    client.post(_url(round, candidate), sheet_data(round, {"Export growth": (6, ""), "Innovation": (5, "")}, submit=""))
    secretariat = staff_member(roles.AWARDS_SECRETARIAT)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:awards_round_changelist"), {"action": "close_rounds", "_selected_action": [round.pk]}
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.closed_by == secretariat
    assert ScoreSheet.objects.get().is_locked

    client.force_login(juror.user)
    page = client.get(_url(round, candidate))
    assert b'data-testid="locked"' in page.content
    late = client.post(
        _url(round, candidate), sheet_data(round, {"Export growth": (8, ""), "Innovation": (8, "")}, submit="")
    )
    assert late.status_code == 409
    assert sorted(Score.objects.order_by("pk").values_list("value", flat=True)) == [5, 6]


def test_closing_a_round_needs_the_permission(client, round):
    viewer = staff_member()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_round", "change_round"]))
    client.force_login(viewer)
    client.post(reverse("admin:awards_round_changelist"), {"action": "close_rounds", "_selected_action": [round.pk]})
    round.refresh_from_db()
    assert round.closed_at is None


def test_anonymous_and_other_roles_are_refused(client, juror, round, candidate, exhibitor_member, chamber_member):
    url = _url(round, candidate)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    for user in (exhibitor_member, chamber_member, staff_member(roles.AWARDS_SECRETARIAT)):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("awards_jury")).status_code == 404


def test_juror_without_an_authenticator_is_sent_to_set_one_up(client, expo, round, candidate):
    juror = juror_with_account(expo, round=round, mfa=False)
    assign(juror, candidate, round)
    client.force_login(juror.user)
    for url in (_url(round, candidate), reverse("awards_jury")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("mfa_activate_totp") in response.url
    response = client.post(_url(round, candidate), sheet_data(round, {"Export growth": (5, "")}, draft=""))
    assert response.status_code == 302
    assert not ScoreSheet.objects.exists()


def test_the_stall_sign_qr_code_leads_to_the_scoring_page(client, juror, round, candidate, category):
    from weasyprint import HTML

    from tests.visitors.qrdecode import qr_payloads

    client.force_login(staff_member(roles.AWARDS_SECRETARIAT))
    page = client.post(
        reverse("admin:awards_category_changelist"), {"action": "print_qr_codes", "_selected_action": [category.pk]}
    )
    assert page.status_code == 200
    source = html.unescape(re.search(r'src="(data:image/svg\+xml[^"]+)"', page.content.decode()).group(1))
    pdf = HTML(string=f'<img src="{source}" width="300">').write_pdf()
    [payload] = qr_payloads(pdf)
    assert payload == "http://testserver" + reverse("awards_jury_candidate", args=[candidate.pk])

    client.force_login(juror.user)
    response = client.get(payload.removeprefix("http://testserver"))
    assert response.status_code == 302
    assert response.url == _url(round, candidate)


def test_jury_list_query_count_does_not_grow_with_candidates(client, juror, round, category, expo):
    client.force_login(juror.user)
    client.get(reverse("awards_jury"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("awards_jury"))
    for _ in range(3):
        other = AwardCandidateFactory(category=category, exhibitor=ExhibitorFactory(nomination__expo=expo))
        assign(juror, other, round)
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("awards_jury")).content.decode().count('data-testid="jury-candidate"') == 4
    assert len(four) == len(one)
