"""Staff review of nominations in the Django admin: listing, scoring, deciding, the ranked list, and who may do what.

The owner here is a superuser (may decide), the colleague a reviewer of the "Nomination
reviewers" group (may score, not decide), the outsiders a trade body user and an anonymous visitor.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exhibitors import services
from exhibitors.models import ClusterCapacity, Exhibitor, Nomination, Review
from exhibitors.selectors import ClusterFill
from expo import roles
from expo.models import Invitation
from tests.conftest import staff_member
from tests.factories import (
    ClusterFactory,
    ExhibitorFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    NominationFactory,
    NominationProductFactory,
    ReviewFactory,
    TradeBodyFactory,
)

pytestmark = pytest.mark.django_db

Status = Nomination.Status
CHANGELIST = "admin:exhibitors_nomination_changelist"
RANKED = "admin:exhibitors_nomination_ranked"
REASON_REQUIRED = "Give the trade body a reason for waitlisting or rejecting."


def score_data(quality=4, innovation=5, market_readiness=3, export_potential=4, comment=""):
    return {
        "score_quality": quality,
        "score_innovation": innovation,
        "score_market_readiness": market_readiness,
        "score_export_potential": export_potential,
        "comment": comment,
    }


def url(name: str, nomination: Nomination) -> str:
    return reverse(f"admin:exhibitors_nomination_{name}", args=[nomination.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def expo(db):
    expo = ExpoFactory()
    services.nomination_rules_ensure(expo=expo)
    return expo


@pytest.fixture
def reviewer(db):
    return staff_member(roles.NOMINATION_REVIEWERS, full_name="Ayesha Malik")


@pytest.fixture
def second_reviewer(db):
    return staff_member(roles.NOMINATION_REVIEWERS, full_name="Farhan Qureshi")


@pytest.fixture
def nomination(expo, trade_body, member):
    return NominationFactory(
        expo=expo,
        trade_body=trade_body,
        legal_name="Sialkot Surgical Works (Pvt) Ltd",
        contact_email="owner@sialkotsurgical.example.pk",
    )


# --- Listing ------------------------------------------------------------------------------------


def test_changelist_for_reviewer_hides_drafts_until_asked_and_offers_no_decisions(client, reviewer, nomination):
    NominationFactory(expo=nomination.expo, legal_name="Draft Leather Co", status=Status.DRAFT, enterprise=None)
    client.force_login(reviewer)

    response = client.get(reverse(CHANGELIST))
    with_drafts = client.get(reverse(CHANGELIST), {"status": "all"})

    assert response.status_code == 200
    assert [row.legal_name for row in response.context["cl"].result_list] == ["Sialkot Surgical Works (Pvt) Ltd"]
    assert response.context["action_form"] is None
    assert "approve_selected" not in response.content.decode()
    assert sorted(row.legal_name for row in with_drafts.context["cl"].result_list) == [
        "Draft Leather Co",
        "Sialkot Surgical Works (Pvt) Ltd",
    ]


def test_changelist_for_superuser_offers_the_three_decisions(client, staff_with_mfa, nomination):
    client.force_login(staff_with_mfa)

    response = client.get(reverse(CHANGELIST))

    choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert choices == ["", "approve_selected", "waitlist_selected", "reject_selected"]


@pytest.mark.parametrize(
    ("score", "expected"),
    [("none", ["Unscored"]), ("lt3", ["Weak"]), ("3to4", ["Fair"]), ("gte4", ["Strong"])],
)
def test_changelist_score_filter_uses_the_mean_of_the_reviews(client, reviewer, second_reviewer, expo, score, expected):
    for name, scores in [("Unscored", []), ("Weak", ["2.00", "3.50"]), ("Fair", ["3.00"]), ("Strong", ["4.00"])]:
        status = Status.UNDER_REVIEW if scores else Status.SUBMITTED
        nomination = NominationFactory(expo=expo, legal_name=name, status=status)
        for who, value in zip([reviewer, second_reviewer], scores, strict=False):
            ReviewFactory(nomination=nomination, reviewer=who, weighted_score=value)
    client.force_login(reviewer)

    response = client.get(reverse(CHANGELIST), {"score": score})

    assert [row.legal_name for row in response.context["cl"].result_list] == expected


def test_changelist_filters_and_searches(client, reviewer, expo):
    women_led = NominationFactory(
        expo=expo, legal_name="Noor Embroidery", women_led=True, city="Multan", ntn="1234567-8"
    )
    NominationFactory(expo=expo, legal_name="Gujranwala Cutlery", city="Gujranwala")
    client.force_login(reviewer)

    by_women_led = client.get(reverse(CHANGELIST), {"women_led__exact": "1"})
    by_city = client.get(reverse(CHANGELIST), {"q": "multan"})
    by_ntn = client.get(reverse(CHANGELIST), {"q": "1234567-8"})
    by_cluster = client.get(reverse(CHANGELIST), {"cluster__id__exact": women_led.cluster_id})

    for response in (by_women_led, by_city, by_ntn, by_cluster):
        assert [row.legal_name for row in response.context["cl"].result_list] == ["Noor Embroidery"]


def _nominations_with_reviews(expo, count, reviewers, clusters, trade_bodies):
    for number in range(count):
        nomination = NominationFactory(
            expo=expo,
            status=Status.UNDER_REVIEW,
            cluster=clusters[number % len(clusters)],
            trade_body=trade_bodies[number % len(trade_bodies)],
            women_led=number % 3 == 0,
            size_class="micro" if number % 4 == 0 else "small",
            enterprise=None,
        )
        for reviewer in reviewers:
            ReviewFactory(nomination=nomination, reviewer=reviewer, weighted_score=f"{1 + number % 5}.00")


@pytest.mark.parametrize("view", [CHANGELIST, RANKED])
def test_query_count_is_the_same_for_10_and_200_nominations(
    client, staff_with_mfa, reviewer, second_reviewer, expo, view, django_assert_num_queries
):
    clusters = ClusterFactory.create_batch(3)
    trade_bodies = TradeBodyFactory.create_batch(3)
    for cluster in clusters:
        ClusterCapacity.objects.create(expo=expo, cluster=cluster, exhibitors=5)
    _nominations_with_reviews(expo, 10, [reviewer, second_reviewer], clusters, trade_bodies)
    client.force_login(staff_with_mfa)
    client.get(reverse(view))  # warm the per-process caches (content types, permissions)

    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse(view)).status_code == 200
    _nominations_with_reviews(expo, 190, [reviewer, second_reviewer], clusters, trade_bodies)
    with django_assert_num_queries(len(ten)):
        response = client.get(reverse(view))

    assert response.status_code == 200
    rows = response.context["cl"].result_count if view == CHANGELIST else len(response.context["rows"])
    assert rows == 200


def test_exhibitor_changelist_query_count_is_the_same_for_10_and_200_exhibitors(
    client, staff_with_mfa, expo, django_assert_num_queries
):
    cluster, trade_body = ClusterFactory(), TradeBodyFactory()

    def exhibitors(count):
        ExhibitorFactory.create_batch(
            count, nomination__expo=expo, nomination__cluster=cluster, nomination__trade_body=trade_body
        )

    exhibitors(10)
    client.force_login(staff_with_mfa)
    changelist = reverse("admin:exhibitors_exhibitor_changelist")
    client.get(changelist)

    with CaptureQueriesContext(connection) as ten:
        assert client.get(changelist).status_code == 200
    exhibitors(190)
    with django_assert_num_queries(len(ten)):
        response = client.get(changelist)

    assert response.context["cl"].result_count == 200


# --- Scoring ------------------------------------------------------------------------------------


def test_reviewer_opens_and_scores_a_nomination_which_goes_under_review_in_history(client, reviewer, nomination):
    NominationProductFactory(nomination=nomination, name="Mayo scissors")
    client.force_login(reviewer)

    page = client.get(url("change", nomination))
    response = client.post(url("score", nomination), score_data(comment="Ready to export."))

    assert page.status_code == 200
    content = page.content.decode()
    assert "Mayo scissors" in content
    assert 'data-testid="score-form"' in content
    assert 'data-testid="decision-form"' not in content
    assert response.status_code == 302
    assert response.url == url("change", nomination)
    assert messages_of(response) == ["Your scores for Sialkot Surgical Works (Pvt) Ltd are saved."]
    review = Review.objects.get(nomination=nomination)
    assert (review.reviewer, review.scores, review.weighted_score, review.comment) == (
        reviewer,
        {"quality": 4, "innovation": 5, "market_readiness": 3, "export_potential": 4},
        Decimal("4.00"),
        "Ready to export.",
    )
    nomination.refresh_from_db()
    assert nomination.status == Status.UNDER_REVIEW
    latest = nomination.history.first()
    assert (latest.status, latest.history_user) == (Status.UNDER_REVIEW, reviewer)
    assert review.history.get().history_user == reviewer


def test_change_page_puts_the_score_and_decision_forms_before_the_nomination(client, staff_with_mfa, nomination):
    client.force_login(staff_with_mfa)

    content = client.get(url("change", nomination)).content.decode()

    actions = content.index('data-testid="review-actions"')
    assert actions < content.index('data-testid="score-form"') < content.index('id="nomination_form"')
    assert actions < content.index('data-testid="decision-form"') < content.index('id="nomination_form"')
    assert content.index('id="nomination_form"') < content.index('data-testid="recent-history"')


def test_reviewer_sees_own_earlier_scores_prefilled(client, reviewer, second_reviewer, nomination):
    criteria = ("quality", "innovation", "market_readiness", "export_potential")
    services.review_save(nomination=nomination, reviewer=second_reviewer, scores=dict.fromkeys(criteria, 1))
    client.force_login(reviewer)
    client.post(url("score", nomination), score_data(quality=2, comment="Needs CE marking."))

    response = client.get(url("score", nomination))

    form = response.context["score_form"]
    assert form.initial == {
        "comment": "Needs CE marking.",
        "score_quality": 2,
        "score_innovation": 5,
        "score_market_readiness": 3,
        "score_export_potential": 4,
    }


def test_scoring_with_a_missing_score_shows_the_error_next_to_the_field_and_saves_nothing(client, reviewer, nomination):
    client.force_login(reviewer)
    data = score_data()
    del data["score_innovation"]
    data["score_quality"] = "9"

    response = client.post(url("score", nomination), data)

    assert response.status_code == 200
    assert response.context["score_form"].errors == {
        "score_innovation": ["Score this criterion from 1 to 5."],
        "score_quality": ["Select a valid choice. 9 is not one of the available choices."],
    }
    assert Review.objects.count() == 0
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


def test_scoring_a_decided_nomination_shows_the_services_message(client, reviewer, nomination):
    Nomination.objects.filter(pk=nomination.pk).update(status=Status.REJECTED)
    client.force_login(reviewer)

    response = client.post(url("score", nomination), score_data())

    assert response.status_code == 200
    assert messages_of(response) == ["Only submitted nominations can be scored."]
    assert Review.objects.count() == 0


def test_second_reviewer_scores_and_the_mean_is_shown(client, reviewer, second_reviewer, nomination):
    client.force_login(reviewer)
    client.post(url("score", nomination), score_data())  # 4.00
    client.force_login(second_reviewer)
    client.post(url("score", nomination), score_data(quality=3, innovation=3, market_readiness=3, export_potential=3))

    page = client.get(url("change", nomination))
    changelist = client.get(reverse(CHANGELIST))

    assert Review.objects.filter(nomination=nomination).count() == 2
    assert '<p data-testid="mean-score">Mean score 3.50 from 2 reviews.</p>' in page.content.decode()
    row = changelist.context["cl"].result_list[0]
    assert (row.review_count, row.mean_score) == (2, Decimal("3.5"))
    assert '<td class="field-mean_score_display">3.50</td>' in changelist.content.decode()


def test_staff_without_the_review_permission_cannot_score(client, nomination):
    gate_staff = staff_member(roles.GATE_STAFF)
    client.force_login(gate_staff)

    assert client.get(url("change", nomination)).status_code == 403
    assert client.post(url("score", nomination), score_data()).status_code == 403
    assert Review.objects.count() == 0


# --- Decisions: who may ----------------------------------------------------------------------------


def test_reviewer_cannot_decide_by_the_form_the_view_or_the_action(client, reviewer, nomination):
    client.force_login(reviewer)

    page = client.get(url("change", nomination))
    decide_get = client.get(url("decide", nomination))
    decide_post = client.post(url("decide", nomination), {"decision": Status.APPROVED, "reason": ""})
    action = client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [nomination.pk], "index": 0}
    )
    confirmed = client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": [nomination.pk], "confirm": "yes"}
    )

    assert "decision_form" not in page.context
    assert (decide_get.status_code, decide_post.status_code) == (403, 403)
    # With no action allowed, the admin ignores the posted action and shows the list again.
    assert (action.status_code, confirmed.status_code) == (200, 200)
    assert action.context["action_form"] is None
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED
    assert Exhibitor.objects.count() == 0


def test_reviewer_cannot_restore_an_earlier_version_from_the_history(client, reviewer, staff_with_mfa, nomination):
    submitted_version = nomination.history.first()
    Nomination.objects.filter(pk=nomination.pk).update(status=Status.REJECTED, decision_reason="Not an SME")
    client.force_login(reviewer)
    history_form = reverse("admin:exhibitors_nomination_simple_history", args=[nomination.pk, submitted_version.pk])

    assert client.get(url("history", nomination)).status_code == 200
    assert client.post(history_form, {}).status_code == 403
    client.force_login(staff_with_mfa)
    assert client.post(history_form, {}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Status.REJECTED


@pytest.mark.parametrize("name", ["changelist", "change", "score", "decide", "ranked", "history"])
@pytest.mark.parametrize("who", ["anonymous", "member", "outsider"])
def test_trade_body_users_and_anonymous_are_sent_to_the_admin_login(client, request, nomination, name, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    args = [] if name in ("changelist", "ranked") else [nomination.pk]
    target = reverse(f"admin:exhibitors_nomination_{name}", args=args)

    response = client.get(target)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={target}"


# --- Decisions by the superuser --------------------------------------------------------------------


def test_superuser_approves_with_the_confirmation_page(
    client, staff_with_mfa, member, nomination, django_capture_on_commit_callbacks
):
    client.force_login(staff_with_mfa)
    chosen = {"action": "approve_selected", "_selected_action": [nomination.pk]}

    confirmation = client.post(reverse(CHANGELIST), {**chosen, "index": 0})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CHANGELIST), {**chosen, "confirm": "yes", "reason": ""})

    assert confirmation.status_code == 200
    content = confirmation.content.decode()
    assert "Sialkot Surgical Works (Pvt) Ltd" in content
    assert 'value="Yes, approve 1 nomination"' in content
    assert response.status_code == 302
    assert messages_of(response) == ["1 nomination is now approved."]
    nomination.refresh_from_db()
    assert nomination.status == Status.APPROVED
    exhibitor = Exhibitor.objects.get(nomination=nomination)
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.email) == (exhibitor, "owner@sialkotsurgical.example.pk")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(["owner@sialkotsurgical.example.pk", member.email])
    invitation_email = next(message for message in mail.outbox if message.to == ["owner@sialkotsurgical.example.pk"])
    assert "http://testserver/invitations/" in invitation_email.body
    assert nomination.history.first().history_user == staff_with_mfa


def test_superuser_decides_one_nomination_from_its_page(
    client, staff_with_mfa, nomination, django_capture_on_commit_callbacks
):
    client.force_login(staff_with_mfa)

    page = client.get(url("change", nomination))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("decide", nomination), {"decision": Status.WAITLISTED, "reason": "Pavilion full"})

    assert 'data-testid="decision-form"' in page.content.decode()
    assert response.status_code == 302
    assert response.url == url("change", nomination)
    assert messages_of(response) == ["Sialkot Surgical Works (Pvt) Ltd is now waitlisted."]
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_reason) == (Status.WAITLISTED, "Pavilion full")
    assert Exhibitor.objects.count() == 0


def test_reject_without_a_reason_is_refused_with_a_message(client, staff_with_mfa, nomination):
    client.force_login(staff_with_mfa)

    single = client.post(url("decide", nomination), {"decision": Status.REJECTED, "reason": "  "})
    bulk = client.post(
        reverse(CHANGELIST),
        {"action": "reject_selected", "_selected_action": [nomination.pk], "confirm": "yes", "reason": ""},
    )

    assert single.status_code == 200
    assert single.context["decision_form"].errors == {"reason": [REASON_REQUIRED]}
    assert bulk.status_code == 200
    assert bulk.context["form"].errors == {"reason": [REASON_REQUIRED]}
    assert REASON_REQUIRED in bulk.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


def test_bulk_waitlist_decides_every_chosen_nomination(
    client, staff_with_mfa, expo, trade_body, django_capture_on_commit_callbacks
):
    chosen = [NominationFactory(expo=expo, trade_body=trade_body, legal_name=name) for name in ("Alpha", "Beta")]
    other = NominationFactory(expo=expo, trade_body=trade_body, legal_name="Gamma")
    client.force_login(staff_with_mfa)
    data = {"action": "waitlist_selected", "_selected_action": [nomination.pk for nomination in chosen]}

    confirmation = client.post(reverse(CHANGELIST), {**data, "index": 0})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CHANGELIST), {**data, "confirm": "yes", "reason": "Cluster full this year"})

    assert [cells[0].legal_name for _pk, cells in confirmation.context["rows"]] == ["Alpha", "Beta"]
    assert 'value="Yes, waitlist 2 nominations"' in confirmation.content.decode()
    assert messages_of(response) == ["2 nominations are now waitlisted."]
    assert dict(Nomination.objects.values_list("legal_name", "status")) == {
        "Alpha": Status.WAITLISTED,
        "Beta": Status.WAITLISTED,
        "Gamma": Status.SUBMITTED,
    }
    assert set(Nomination.objects.exclude(pk=other.pk).values_list("decision_reason", flat=True)) == {
        "Cluster full this year"
    }


def test_bulk_approve_reports_each_nomination_the_service_refuses(
    client, staff_with_mfa, expo, django_capture_on_commit_callbacks
):
    fine = NominationFactory(expo=expo, legal_name="Alpha")
    rejected = NominationFactory(expo=expo, legal_name="Beta", status=Status.REJECTED)
    client.force_login(staff_with_mfa)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "approve_selected", "_selected_action": [fine.pk, rejected.pk], "confirm": "yes"},
        )

    assert messages_of(response) == ["1 nomination is now approved.", "Beta is rejected and cannot be decided on now."]
    assert list(Exhibitor.objects.values_list("nomination__legal_name", flat=True)) == ["Alpha"]


# --- The change page's other sections -------------------------------------------------------------


def test_change_page_shows_the_other_nominations_of_the_same_enterprise(client, reviewer, nomination):
    earlier = NominationFactory(
        expo=ExpoFactory(is_current=False),
        trade_body=TradeBodyFactory(name="Lahore Chamber of Commerce and Industry"),
        enterprise=nomination.enterprise,
        legal_name="Sialkot Surgical Works",
        status=Status.REJECTED,
    )
    unrelated = NominationFactory(expo=nomination.expo, legal_name="Unrelated Textiles")
    client.force_login(reviewer)

    response = client.get(url("change", nomination))
    enterprise_page = client.get(reverse("admin:exhibitors_enterprise_change", args=[nomination.enterprise_id]))

    assert list(response.context["same_enterprise"]) == [earlier]
    assert "Lahore Chamber of Commerce and Industry" in response.content.decode()
    assert unrelated.legal_name not in response.content.decode()
    assert enterprise_page.status_code == 200
    assert set(enterprise_page.context["inline_admin_formsets"][0].formset.queryset) == {nomination, earlier}


# --- The ranked list ----------------------------------------------------------------------------------


def test_ranked_view_puts_a_women_led_micro_nomination_first_at_equal_mean(client, reviewer, expo):
    plain = NominationFactory(expo=expo, legal_name="Plain Small Ltd", status=Status.UNDER_REVIEW)
    preferred = NominationFactory(
        expo=expo, legal_name="Noor Micro Crafts", status=Status.UNDER_REVIEW, women_led=True, size_class="micro"
    )
    unscored = NominationFactory(expo=expo, legal_name="Not Yet Scored")
    for nomination in (plain, preferred):
        ReviewFactory(nomination=nomination, reviewer=reviewer, weighted_score="4.00")
    client.force_login(reviewer)

    response = client.get(reverse(RANKED))

    assert response.status_code == 200
    rows = [(ranked.rank, nomination, badges) for ranked, nomination, badges in response.context["rows"]]
    assert rows == [(1, preferred, ["Women-led", "Micro"]), (2, plain, []), (None, unscored, [])]
    content = response.content.decode()
    assert '<strong class="badge">Women-led</strong>, <strong class="badge">Micro</strong>' in content
    assert "<td>4.40</td>" in content
    # A reviewer may not decide: no checkboxes, no buttons.
    assert 'name="_selected_action"' not in content
    assert 'value="approve_selected"' not in content


def test_ranked_view_shows_each_clusters_approvals_against_capacity(client, staff_with_mfa, expo):
    full, roomy = ClusterFactory(name="Surgical, Sialkot"), ClusterFactory(name="Leather, Kasur")
    ClusterCapacity.objects.create(expo=expo, cluster=full, exhibitors=1)
    ClusterCapacity.objects.create(expo=expo, cluster=roomy, exhibitors=5)
    NominationFactory.create_batch(2, expo=expo, cluster=full, status=Status.APPROVED)
    NominationFactory(expo=expo, cluster=roomy, status=Status.SUBMITTED)
    client.force_login(staff_with_mfa)

    response = client.get(reverse(RANKED), {"expo": expo.pk})

    assert response.context["fill"] == [
        (ClusterFill("Leather, Kasur", 0, 5), False),
        (ClusterFill("Surgical, Sialkot", 2, 1), True),
    ]
    content = response.content.decode()
    assert content.count("Over capacity") == 1
    assert '<tr class="over-capacity">' in content


def test_ranked_view_of_an_unknown_expo_is_404(client, reviewer, expo):
    client.force_login(reviewer)

    assert client.get(reverse(RANKED), {"expo": expo.pk + 1000}).status_code == 404


def test_ranked_view_bulk_approve_confirms_then_returns_to_the_ranked_list(
    client, staff_with_mfa, expo, django_capture_on_commit_callbacks
):
    first, second = NominationFactory(expo=expo, legal_name="Alpha"), NominationFactory(expo=expo, legal_name="Beta")
    client.force_login(staff_with_mfa)
    ranked_url = f"{reverse(RANKED)}?expo={expo.pk}"
    page = client.get(ranked_url)
    chosen = {
        "action": "approve_selected",
        "_selected_action": [first.pk, second.pk],
        "return_to": ranked_url,
    }

    confirmation = client.post(reverse(CHANGELIST), {**chosen, "index": 0})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(CHANGELIST), {**chosen, "confirm": "yes"})

    assert 'value="approve_selected"' in page.content.decode()
    assert 'value="Yes, approve 2 nominations"' in confirmation.content.decode()
    assert f'name="return_to" value="{reverse(RANKED)}?expo={expo.pk}"' in confirmation.content.decode()
    assert response.status_code == 302
    assert response.url == ranked_url
    assert Exhibitor.objects.count() == 2


def test_bulk_decision_ignores_a_return_address_on_another_site(client, staff_with_mfa, nomination):
    client.force_login(staff_with_mfa)

    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "approve_selected",
            "_selected_action": [nomination.pk],
            "confirm": "yes",
            "return_to": "https://evil.example.com/",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse(CHANGELIST)


# --- Reviews admin -----------------------------------------------------------------------------------


def test_reviewer_changes_only_their_own_review(client, reviewer, second_reviewer, nomination):
    own = ReviewFactory(nomination=nomination, reviewer=reviewer)
    other = ReviewFactory(nomination=nomination, reviewer=second_reviewer, comment="Second opinion")
    client.force_login(reviewer)

    listing = client.get(reverse("admin:exhibitors_review_changelist"))
    own_page = client.get(reverse("admin:exhibitors_review_change", args=[own.pk]))
    other_page = client.get(reverse("admin:exhibitors_review_change", args=[other.pk]))
    other_post = client.post(reverse("admin:exhibitors_review_change", args=[other.pk]), {"comment": "Hijacked"})

    assert listing.context["cl"].result_count == 2
    assert own_page.status_code == 302
    assert own_page.url == url("score", nomination)
    assert other_page.status_code == 200
    assert other_page.context["has_change_permission"] is False
    assert other_post.status_code == 403
    other.refresh_from_db()
    assert other.comment == "Second opinion"


# --- Other registrations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "admin:exhibitors_nominationrules_changelist",
        "admin:exhibitors_reviewcriterion_changelist",
        "admin:exhibitors_tradebodyquota_changelist",
        "admin:exhibitors_clustercapacity_changelist",
        "admin:exhibitors_certification_changelist",
        "admin:exhibitors_enterprise_changelist",
        "admin:exhibitors_exhibitor_changelist",
        "admin:exhibitors_review_changelist",
    ],
)
def test_superuser_opens_every_exhibitors_changelist(client, staff_with_mfa, nomination, name):
    ExhibitorFactory(nomination__expo=nomination.expo)
    client.force_login(staff_with_mfa)

    assert client.get(reverse(name)).status_code == 200


def test_superuser_opens_an_exhibitor_and_its_invite_page(client, staff_with_mfa, expo):
    exhibitor = ExhibitorFactory(nomination__expo=expo)
    client.force_login(staff_with_mfa)

    page = client.get(reverse("admin:exhibitors_exhibitor_change", args=[exhibitor.pk]))
    invite = client.get(reverse("admin:exhibitors_exhibitor_invite", args=[exhibitor.pk]))

    assert page.status_code == 200
    assert reverse("admin:exhibitors_exhibitor_invite", args=[exhibitor.pk]) in page.content.decode()
    assert invite.status_code == 200


def test_exhibitor_admin_takes_no_raw_logo_or_product_photo(client, staff_with_mfa, expo):
    """Uploads in the admin would skip the image checks and land in public media unprocessed."""
    exhibitor = ExhibitorFactory(nomination__expo=expo)
    ExhibitorProductFactory(exhibitor=exhibitor)
    client.force_login(staff_with_mfa)

    page = client.get(reverse("admin:exhibitors_exhibitor_change", args=[exhibitor.pk])).content.decode()

    assert 'name="logo"' not in page
    assert 'name="products-0-photo"' not in page
