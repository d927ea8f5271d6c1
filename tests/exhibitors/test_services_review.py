"""Reviews and decisions through the services: scoring, the weighted score, approve / waitlist / reject."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from exhibitors import services
from exhibitors.models import Exhibitor, Nomination, Review, ReviewCriterion
from expo import roles
from expo.models import Invitation
from tests.factories import ExpoFactory, NominationFactory, StaffFactory

pytestmark = pytest.mark.django_db

Status = Nomination.Status
SCORES = {"quality": 4, "innovation": 5, "market_readiness": 3, "export_potential": 4}


@pytest.fixture
def expo(db):
    expo = ExpoFactory()
    services.nomination_rules_ensure(expo=expo)
    return expo


@pytest.fixture
def reviewer(db):
    user = StaffFactory(full_name="Ayesha Malik")
    user.groups.add(Group.objects.get(name=roles.NOMINATION_REVIEWERS))
    return user


@pytest.fixture
def decider(db):
    """A staff member who may decide (given the permission itself, not a superuser)."""
    user = StaffFactory(full_name="Bilal Ahmed")
    user.user_permissions.add(Permission.objects.get(codename="decide_nomination"))
    return user


@pytest.fixture
def nomination(expo, trade_body, member):
    return NominationFactory(
        expo=expo,
        trade_body=trade_body,
        legal_name="Sialkot Surgical Works (Pvt) Ltd",
        contact_email="owner@sialkotsurgical.example.pk",
    )


def test_weighted_score_weights_each_criterion_and_rounds_half_up():
    criteria = [ReviewCriterion(key="quality", weight=Decimal("2")), ReviewCriterion(key="innovation", weight=1)]

    assert services.weighted_score(scores={"quality": 5, "innovation": 2}, criteria=criteria) == Decimal("4.00")
    assert services.weighted_score(scores={"quality": 4, "innovation": 5}, criteria=criteria) == Decimal("4.33")
    assert services.weighted_score(scores={"quality": 1, "innovation": 2}, criteria=criteria) == Decimal("1.33")


def test_review_save_records_scores_and_puts_nomination_under_review(nomination, reviewer):
    review = services.review_save(nomination=nomination, reviewer=reviewer, scores=SCORES, comment="Strong exporter.")

    review.refresh_from_db()
    nomination.refresh_from_db()
    assert (review.scores, review.weighted_score, review.comment) == (SCORES, Decimal("4.00"), "Strong exporter.")
    assert nomination.status == Status.UNDER_REVIEW
    assert nomination.history.first().status == Status.UNDER_REVIEW


def test_review_save_uses_the_editions_weights(nomination, reviewer):
    ReviewCriterion.objects.filter(expo=nomination.expo, key="export_potential").update(weight=Decimal("3"))

    review = services.review_save(nomination=nomination, reviewer=reviewer, scores={**SCORES, "export_potential": 1})

    # (4 + 5 + 3 + 3 × 1) / 6
    assert review.weighted_score == Decimal("2.50")


def test_review_save_twice_by_one_reviewer_revises_the_review_and_keeps_history(nomination, reviewer):
    services.review_save(nomination=nomination, reviewer=reviewer, scores=SCORES)
    services.review_save(nomination=nomination, reviewer=reviewer, scores={**SCORES, "quality": 2}, comment="Revised")

    review = Review.objects.get(nomination=nomination)
    assert (review.weighted_score, review.comment) == (Decimal("3.50"), "Revised")
    assert [record.weighted_score for record in review.history.order_by("history_date")] == [
        Decimal("4.00"),
        Decimal("3.50"),
    ]


def test_review_save_by_two_reviewers_keeps_both_reviews(nomination, reviewer):
    colleague = StaffFactory()
    colleague.groups.add(Group.objects.get(name=roles.NOMINATION_REVIEWERS))

    services.review_save(nomination=nomination, reviewer=reviewer, scores=SCORES)
    services.review_save(nomination=nomination, reviewer=colleague, scores={key: 2 for key in SCORES})

    assert sorted(Review.objects.filter(nomination=nomination).values_list("weighted_score", flat=True)) == [
        Decimal("2.00"),
        Decimal("4.00"),
    ]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"quality": 4, "innovation": 5, "market_readiness": 3}, "Score every criterion of the rubric."),
        ({**SCORES, "sustainability": 4}, "Score every criterion of the rubric."),
        ({**SCORES, "quality": 0}, "Scores run from 1 to 5."),
        ({**SCORES, "quality": 6}, "Scores run from 1 to 5."),
        ({**SCORES, "quality": "4"}, "Scores run from 1 to 5."),
    ],
)
def test_review_save_with_bad_scores_is_refused_and_changes_nothing(nomination, reviewer, scores, message):
    with pytest.raises(services.NominationError) as error:
        services.review_save(nomination=nomination, reviewer=reviewer, scores=scores)

    assert str(error.value) == message
    assert Review.objects.count() == 0
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
def test_review_save_of_a_nomination_not_in_review_is_refused(nomination, reviewer, status):
    Nomination.objects.filter(pk=nomination.pk).update(status=status)

    with pytest.raises(services.NominationError) as error:
        services.review_save(nomination=nomination, reviewer=reviewer, scores=SCORES)

    assert str(error.value) == "Only submitted nominations can be scored."
    assert Review.objects.count() == 0


def test_nomination_decide_by_a_reviewer_is_refused(nomination, reviewer):
    with pytest.raises(services.NominationError) as error:
        services.nomination_decide(
            nomination=nomination, decision=Status.APPROVED, reason="", user=reviewer, site_url="http://testserver/"
        )

    assert str(error.value) == "You may score nominations but not decide on them."
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED
    assert Exhibitor.objects.count() == 0


def test_nomination_decide_approval_makes_the_exhibitor_invites_the_contact_and_tells_the_trade_body(
    nomination, decider, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            nomination=nomination, decision=Status.APPROVED, reason="", user=decider, site_url="http://testserver/"
        )

    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason) == (Status.APPROVED, "")
    assert nomination.decided_at is not None
    exhibitor = Exhibitor.objects.get(nomination=nomination)
    # Listed at once with the nomination's description; the contact email stays private until chosen.
    assert (exhibitor.name, exhibitor.expo, exhibitor.enterprise, exhibitor.listed, exhibitor.public_email) == (
        "Sialkot Surgical Works (Pvt) Ltd",
        nomination.expo,
        nomination.enterprise,
        True,
        "",
    )
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.invited_by) == (
        "owner@sialkotsurgical.example.pk",
        exhibitor,
        decider,
    )
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        ["owner@sialkotsurgical.example.pk", member.email]
    )


def test_nomination_decide_rejection_keeps_the_reason_and_makes_no_exhibitor(
    nomination, decider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            nomination=nomination,
            decision=Status.REJECTED,
            reason="  Not yet exporting.  ",
            user=decider,
            site_url="http://testserver/",
        )

    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason) == (Status.REJECTED, "Not yet exporting.")
    assert Exhibitor.objects.count() == 0
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("decision", [Status.WAITLISTED, Status.REJECTED])
def test_nomination_decide_without_a_reason_is_refused(nomination, decider, decision):
    with pytest.raises(services.NominationError) as error:
        services.nomination_decide(
            nomination=nomination, decision=decision, reason="  ", user=decider, site_url="http://testserver/"
        )

    assert str(error.value) == "Give the trade body a reason for waitlisting or rejecting."
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


@pytest.mark.parametrize("decision", [Status.SUBMITTED, Status.WITHDRAWN, "promote"])
def test_nomination_decide_with_a_status_that_is_no_decision_is_refused(nomination, decider, decision):
    with pytest.raises(services.NominationError) as error:
        services.nomination_decide(
            nomination=nomination, decision=decision, reason="x", user=decider, site_url="http://testserver/"
        )

    assert str(error.value) == "Choose approve, waitlist or reject."


def test_nomination_decide_on_an_approved_nomination_is_refused(
    nomination, decider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            nomination=nomination, decision=Status.APPROVED, reason="", user=decider, site_url="http://testserver/"
        )

    with pytest.raises(services.NominationError) as error:
        services.nomination_decide(
            nomination=nomination, decision=Status.REJECTED, reason="Oops", user=decider, site_url="http://testserver/"
        )

    assert str(error.value) == "Sialkot Surgical Works (Pvt) Ltd is approved and cannot be decided on now."
    assert Exhibitor.objects.count() == 1


def test_nomination_decide_approves_a_waitlisted_nomination_later(
    nomination, decider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_decide(
            nomination=nomination, decision=Status.WAITLISTED, reason="Cluster full", user=decider, site_url="/"
        )
        services.nomination_decide(
            nomination=nomination, decision=Status.APPROVED, reason="", user=decider, site_url="/"
        )

    nomination.refresh_from_db()
    assert nomination.status == Status.APPROVED
    assert [record.status for record in nomination.history.order_by("history_date")] == [
        Status.SUBMITTED,
        Status.WAITLISTED,
        Status.APPROVED,
    ]


def test_nominations_decide_decides_what_it_can_and_reports_each_error(
    expo, trade_body, decider, django_capture_on_commit_callbacks
):
    first = NominationFactory(expo=expo, trade_body=trade_body, legal_name="Alpha Leather")
    draft = NominationFactory(expo=expo, trade_body=trade_body, legal_name="Beta Sports", status=Status.DRAFT)
    third = NominationFactory(expo=expo, trade_body=trade_body, legal_name="Gamma Cutlery")

    with django_capture_on_commit_callbacks(execute=True):
        decided, errors = services.nominations_decide(
            nominations=[first, draft, third],
            decision=Status.WAITLISTED,
            reason="Pavilion full",
            user=decider,
            site_url="http://testserver/",
        )

    assert (decided, errors) == (2, ["Beta Sports is draft and cannot be decided on now."])
    assert dict(Nomination.objects.values_list("legal_name", "status")) == {
        "Alpha Leather": Status.WAITLISTED,
        "Beta Sports": Status.DRAFT,
        "Gamma Cutlery": Status.WAITLISTED,
    }
