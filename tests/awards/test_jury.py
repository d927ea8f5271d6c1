"""The jury: jurors invited by email who sign in with an authenticator, panels per round, and assignments by hand
(refused for a conflicted juror) or automatic (k jurors per candidate, none conflicted, loads balanced)."""

import re
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from awards.access import JURORS
from awards.models import Assignment, Juror, PanelMembership
from expo import roles
from tests.awards.jury import assign, juror_with_account, round_with_rubric
from tests.conftest import staff_member, with_totp
from tests.factories import PASSWORD, AwardCandidateFactory, ExhibitorFactory, JurorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(db):
    return staff_member(roles.AWARDS_SECRETARIAT)


@pytest.fixture
def round(category):
    return round_with_rubric(category, k=2)


@pytest.fixture
def candidates(category, expo, exhibitor):
    others = [ExhibitorFactory(nomination__expo=expo) for _ in range(3)]
    return [AwardCandidateFactory(category=category, exhibitor=e) for e in [exhibitor, *others]]


def test_secretariat_invites_a_juror_who_accepts_and_signs_in_with_an_authenticator(
    client, secretariat, expo, round, django_capture_on_commit_callbacks
):
    juror = JurorFactory(expo=expo, name="Dr Sana Mir", email="sana.mir@lums.edu.pk")
    PanelMembership.objects.create(juror=juror, round=round)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:awards_juror_changelist"), {"action": "invite_selected", "_selected_action": [juror.pk]}
        )
    assert response.status_code == 302
    juror.refresh_from_db()
    assert juror.invited_at is not None
    message = mail.outbox[-1]
    assert message.to == ["sana.mir@lums.edu.pk"]
    assert "jury" in message.body
    token = re.search(r"/invitations/([^/]+)/", message.body).group(1)
    client.logout()

    response = client.post(
        reverse("invitation_accept", args=[token]),
        {"full_name": "Sana Mir", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.url == reverse("awards_jury")
    user = juror.members.get()
    assert user.groups.filter(name=JURORS).exists()
    # Like staff: no page before an authenticator is set up.
    refused = client.get(response.url)
    assert refused.status_code == 302
    assert reverse("mfa_activate_totp") in refused.url
    with_totp(user)
    assert client.get(response.url).status_code == 200


def test_only_the_secretariat_invites_jurors(client, expo, chamber_member):
    juror = JurorFactory(expo=expo)
    client.force_login(chamber_member)
    client.post(reverse("admin:awards_juror_changelist"), {"action": "invite_selected", "_selected_action": [juror.pk]})
    assert not mail.outbox
    assert Juror.objects.get().invited_at is None


def test_panel_is_edited_on_the_round(client, secretariat, round, expo):
    JurorFactory(expo=expo, name="Omar Khan")
    client.force_login(secretariat)
    page = client.get(reverse("admin:awards_round_change", args=[round.pk]))
    assert page.status_code == 200
    assert b"panel-TOTAL_FORMS" in page.content


def _hand(client, round, juror, candidate):
    return client.post(
        reverse("admin:awards_assignment_add"), {"round": round.pk, "juror": juror.pk, "candidate": candidate.pk}
    )


def test_assignment_by_hand(client, secretariat, round, candidates, expo):
    juror = juror_with_account(expo, round=round)
    client.force_login(secretariat)
    assert _hand(client, round, juror, candidates[0]).status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.method, assignment.assigned_by) == ("hand", secretariat)


def test_assignment_by_hand_refused_for_a_conflicted_juror(client, secretariat, round, candidates, expo, chamber):
    juror = juror_with_account(expo, round=round, name="Bilal Ahmed")
    MembershipFactory(trade_body=chamber, user=juror.user)
    client.force_login(secretariat)
    response = _hand(client, round, juror, candidates[0])
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["juror"]
    assert "Bilal Ahmed has a conflict with Sialkot Surgical Works" in error
    assert "trade body" in error
    assert not Assignment.objects.exists()


def test_assignment_by_hand_refused_for_a_juror_off_the_panel(client, secretariat, round, candidates, expo):
    juror = juror_with_account(expo)
    client.force_login(secretariat)
    response = _hand(client, round, juror, candidates[0])
    assert response.status_code == 302
    assert not Assignment.objects.exists()
    assert "not on this round" in str(list(response.wsgi_request._messages))


def _auto(client, round):
    return client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "assign_automatically", "_selected_action": [round.pk]},
        follow=True,
    )


def test_automatic_assignment_gives_k_unconflicted_jurors_with_balanced_loads(
    client, secretariat, round, candidates, expo, chamber
):
    jurors = [juror_with_account(expo, round=round) for _ in range(3)]
    MembershipFactory(trade_body=chamber, user=jurors[0].user)  # conflicted with candidates[0] (chamber's exhibitor)
    hand = assign(jurors[2], candidates[1], round)
    client.force_login(secretariat)

    response = _auto(client, round)

    assert response.status_code == 200
    pairs = set(Assignment.objects.values_list("juror_id", "candidate_id"))
    per_candidate = Counter(candidate for _, candidate in pairs)
    assert all(per_candidate[c.pk] == 2 for c in candidates)
    assert (jurors[0].pk, candidates[0].pk) not in pairs
    assert Assignment.objects.filter(pk=hand.pk, method="hand").exists()
    loads = Counter(juror for juror, _ in pairs)
    assert sorted(loads.values()) in ([2, 3, 3], [3, 3, 2]) or max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 8
    # Run again: nothing changes.
    _auto(client, round)
    assert set(Assignment.objects.values_list("juror_id", "candidate_id")) == pairs


def test_automatic_assignment_says_when_k_cannot_be_met(client, secretariat, category, candidates, expo, chamber):
    round = round_with_rubric(category, k=3, kind="shortlist")
    jurors = [juror_with_account(expo, round=round) for _ in range(3)]
    MembershipFactory(trade_body=chamber, user=jurors[0].user)
    client.force_login(secretariat)

    response = _auto(client, round)

    text = response.content.decode()
    assert "fewer jurors than 3 for Sialkot Surgical Works" in text
    assert "only 2 of the panel&#x27;s 3 jurors are free of conflict" in text
    assert Assignment.objects.filter(candidate=candidates[0]).count() == 2
    assert not Assignment.objects.filter(candidate=candidates[0], juror=jurors[0]).exists()
    assert all(Assignment.objects.filter(candidate=c).count() == 3 for c in candidates[1:])


def test_staff_without_an_authenticator_cannot_assign(client, round, candidates, expo):
    secretariat = staff_member(roles.AWARDS_SECRETARIAT)
    secretariat.authenticator_set.all().delete()
    juror_with_account(expo, round=round)
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:awards_round_changelist"), {"action": "assign_automatically", "_selected_action": [round.pk]}
    )
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response.url
    assert not Assignment.objects.exists()


def test_a_juror_is_not_staff(client, expo, round):
    juror = juror_with_account(expo, round=round)
    client.force_login(juror.user)
    assert client.get(reverse("admin:awards_assignment_changelist")).status_code == 302
    assert not Group.objects.get(name=JURORS).permissions.exclude(codename="score_candidates").exists()
