"""The nomination lifecycle in the services: quota, completeness, duplicates across trade bodies and editions."""

import pytest
from django.core import mail

from exhibitors import services
from exhibitors.models import Enterprise, Nomination, NominationRules, SizeClass, TradeBodyQuota, TurnoverBand
from tests.factories import (
    ClusterFactory,
    ExpoFactory,
    MembershipFactory,
    NominationFactory,
    NominationProductFactory,
    TradeBodyFactory,
)

pytestmark = pytest.mark.django_db

STEP_ONE = {
    "legal_name": "Hilal Surgical Works (Pvt) Ltd",
    "turnover_band": TurnoverBand.FROM_10_TO_30,
    "city": "Sialkot",
    "province": "punjab",
    "description": "Surgical instruments.",
}


@pytest.fixture
def expo():
    return ExpoFactory()


def _draft(expo, trade_body, member, **data):
    return services.nomination_create(
        expo=expo, trade_body=trade_body, user=member, data={**STEP_ONE, "cluster": ClusterFactory(), **data}
    )


def _complete(nomination, **overrides):
    fields = {
        "owner_name": "Amna Hilal",
        "contact_name": "Bilal",
        "contact_email": "bilal@hilal.pk",
        "contact_phone": "+92 300 1234567",
        "justification": "Exports to Germany.",
        **overrides,
    }
    Nomination.objects.filter(pk=nomination.pk).update(**fields)
    NominationProductFactory(nomination=nomination)
    nomination.refresh_from_db()
    return nomination


@pytest.mark.parametrize(
    ("band", "size_class"),
    [
        (TurnoverBand.UNDER_10, SizeClass.MICRO),
        (TurnoverBand.FROM_10_TO_30, SizeClass.MICRO),
        (TurnoverBand.FROM_30_TO_75, SizeClass.SMALL),
        (TurnoverBand.FROM_75_TO_150, SizeClass.SMALL),
        (TurnoverBand.FROM_150_TO_400, SizeClass.MEDIUM),
        (TurnoverBand.FROM_400_TO_800, SizeClass.MEDIUM),
        (TurnoverBand.OVER_800, SizeClass.LARGE),
    ],
)
def test_size_class_follows_the_national_thresholds(expo, trade_body, member, band, size_class):
    assert _draft(expo, trade_body, member, turnover_band=band).size_class == size_class


def test_size_class_thresholds_are_data_per_expo(expo, trade_body, member):
    services.nomination_rules_ensure(expo=expo)
    NominationRules.objects.filter(expo=expo).update(micro_turnover_max=10)

    assert _draft(expo, trade_body, member, turnover_band=TurnoverBand.FROM_10_TO_30).size_class == SizeClass.SMALL


def test_submit_lists_what_is_missing_and_changes_nothing(expo, trade_body, member):
    nomination = _draft(expo, trade_body, member)

    with pytest.raises(services.NominationError) as error:
        services.nomination_submit(nomination=nomination, user=member)

    for label in ("owner's name", "contact email", "why this SME should exhibit", "at least one product"):
        assert label in str(error.value)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.DRAFT
    assert nomination.enterprise is None


def test_submit_links_a_new_enterprise_and_tells_the_trade_body(
    expo, trade_body, member, django_capture_on_commit_callbacks
):
    nomination = _complete(_draft(expo, trade_body, member))

    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_submit(nomination=nomination, user=member)

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.submitted_at is not None
    assert nomination.enterprise.legal_name == "Hilal Surgical Works (Pvt) Ltd"
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_a_large_enterprise_cannot_be_submitted(expo, trade_body, member):
    nomination = _complete(_draft(expo, trade_body, member, turnover_band=TurnoverBand.OVER_800))

    with pytest.raises(services.NominationError, match="not SMEs"):
        services.nomination_submit(nomination=nomination, user=member)


def test_the_same_sme_from_another_trade_body_is_recognised_by_ntn(expo, trade_body, member):
    first = _complete(_draft(expo, trade_body, member, ntn="1234567-8"))
    first = services.nomination_submit(nomination=first, user=member)
    other_body = TradeBodyFactory(name="Women Chamber of Commerce and Industry Lahore")
    other_member = MembershipFactory(trade_body=other_body).user
    second = _complete(_draft(expo, other_body, other_member, ntn="12345678", legal_name="Hilal Surgical"))

    services.nomination_submit(nomination=second, user=other_member)

    second.refresh_from_db()
    assert second.enterprise_id == first.enterprise_id
    assert Enterprise.objects.count() == 1


def test_the_same_sme_in_a_later_edition_is_recognised_by_name_and_city(trade_body, member):
    first_expo = ExpoFactory(is_current=False)
    first = _complete(_draft(first_expo, trade_body, member, legal_name="Hilal Surgical Works Pvt. Ltd."))
    first = services.nomination_submit(nomination=first, user=member)
    later = _complete(_draft(ExpoFactory(), trade_body, member, legal_name="HILAL SURGICAL WORKS", city="sialkot "))

    services.nomination_submit(nomination=later, user=member)

    later.refresh_from_db()
    assert later.enterprise_id == first.enterprise_id


def test_a_different_sme_with_a_similar_name_in_another_city_is_not_merged(expo, trade_body, member):
    services.nomination_submit(nomination=_complete(_draft(expo, trade_body, member)), user=member)
    karachi = _complete(_draft(expo, trade_body, member, city="Karachi", province="sindh"))

    services.nomination_submit(nomination=karachi, user=member)

    assert Enterprise.objects.count() == 2


def test_the_quota_counts_submitted_nominations_and_is_enforced_with_a_clear_message(expo, trade_body, member):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=1)
    services.nomination_submit(nomination=_complete(_draft(expo, trade_body, member)), user=member)

    with pytest.raises(services.NominationError, match="used all 1 of its nominations"):
        _draft(expo, trade_body, member, legal_name="Another SME")

    assert Nomination.objects.count() == 1


def test_a_draft_made_before_the_quota_filled_cannot_be_submitted_after(expo, trade_body, member):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=1)
    early_draft = _complete(_draft(expo, trade_body, member, legal_name="Early Draft"))
    services.nomination_submit(nomination=_complete(_draft(expo, trade_body, member)), user=member)

    with pytest.raises(services.NominationError, match="used all 1"):
        services.nomination_submit(nomination=early_draft, user=member)

    early_draft.refresh_from_db()
    assert early_draft.status == Nomination.Status.DRAFT


def test_withdrawn_nominations_free_their_quota_slot(expo, trade_body, member):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=1)
    first = _complete(_draft(expo, trade_body, member))
    services.nomination_submit(nomination=first, user=member)
    services.nomination_withdraw(nomination=first, user=member)

    assert _draft(expo, trade_body, member, legal_name="Next SME").status == Nomination.Status.DRAFT


def test_closed_nominations_refuse_new_drafts(expo, trade_body, member):
    services.nomination_rules_ensure(expo=expo)
    NominationRules.objects.filter(expo=expo).update(nominations_open=False)

    with pytest.raises(services.NominationError, match="closed"):
        _draft(expo, trade_body, member)


def test_a_submitted_nomination_is_no_longer_editable(expo, trade_body, member):
    nomination = _complete(_draft(expo, trade_body, member))
    services.nomination_submit(nomination=nomination, user=member)

    with pytest.raises(services.NominationError, match="can no longer be changed"):
        services.nomination_update(nomination=nomination, step=1, data={"legal_name": "Changed"})

    assert Nomination.objects.get(pk=nomination.pk).legal_name == "Hilal Surgical Works (Pvt) Ltd"


def test_withdrawal_is_refused_once_review_has_begun(trade_body):
    nomination = NominationFactory(trade_body=trade_body, status=Nomination.Status.UNDER_REVIEW)

    with pytest.raises(services.NominationError, match="until its review begins"):
        services.nomination_withdraw(nomination=nomination, user=None)


def test_women_pavilion_needs_a_women_led_enterprise(expo, trade_body, member):
    nomination = _draft(expo, trade_body, member)

    services.nomination_update(nomination=nomination, step=4, data={"wants_women_pavilion": True, "women_led": False})

    assert Nomination.objects.get(pk=nomination.pk).wants_women_pavilion is False
