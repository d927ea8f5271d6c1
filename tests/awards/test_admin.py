"""The awards in the admin: the secretariat sets up a category with its rounds and a round's rubric, puts a
candidate forward, filters candidates, and overrides eligibility with a reason kept in the history; other roles
and staff without an authenticator cannot."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Candidate, Category, Criterion, EligibilityOverride
from expo import roles
from tests.awards.conftest import pdf_bytes
from tests.conftest import add_to_role, staff_member
from tests.factories import AwardCandidateFactory, AwardCategoryFactory, AwardRoundFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return staff_member(roles.AWARDS_SECRETARIAT)


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_secretariat_opens_a_category_with_its_rules_and_rounds(client, expo, secretary):
    client.force_login(secretary)

    response = client.post(
        reverse("admin:awards_category_add"),
        {
            "expo": expo.pk,
            "name": "Woman entrepreneur of the year",
            "name_ur": "",
            "description": "",
            "description_ur": "",
            "order": "1",
            "candidacy_open": "on",
            "women_led_only": "on",
            "min_years_in_business": "3",
            "winners": "1",
            "runners_up": "2",
            **_inline(
                "rounds",
                [
                    {"kind": "shortlist", "order": "1", "jurors_per_candidate": "2"},
                    {"kind": "final", "order": "2", "jurors_per_candidate": "3"},
                ],
            ),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    category = Category.objects.get()
    assert (category.women_led_only, category.min_years_in_business, category.runners_up) == (True, 3, 2)
    assert list(category.rounds.values_list("kind", "jurors_per_candidate")) == [("shortlist", 2), ("final", 3)]


def test_secretariat_sets_a_rounds_rubric_with_score_bands(client, secretary):
    round_ = AwardRoundFactory()
    client.force_login(secretary)
    data = {
        "category": round_.category.pk,
        "kind": "final",
        "order": "0",
        "jurors_per_candidate": "2",
        **_inline(
            "criteria",
            [
                {
                    "name": "Export growth",
                    "weight": "2",
                    "order": "1",
                    "band_1_2": "No exports.",
                    "band_9_10": "Tripled.",
                },
                {"name": "Innovation", "weight": "1", "order": "2"},
            ],
        ),
        # The round's page also lists its panel of jurors; none added here.
        **_inline("panel", []),
    }

    response = client.post(reverse("admin:awards_round_change", args=[round_.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Criterion.objects.values_list("name", "weight", "band_9_10")) == [
        ("Export growth", 2, "Tripled."),
        ("Innovation", 1, ""),
    ]


def test_zero_weight_refused_and_nothing_saved(client, secretary):
    round_ = AwardRoundFactory()
    client.force_login(secretary)
    data = {
        "category": round_.category.pk,
        "kind": "final",
        "order": "0",
        "jurors_per_candidate": "2",
        **_inline("criteria", [{"name": "Export growth", "weight": "0", "order": "1"}]),
        **_inline("panel", []),
    }

    response = client.post(reverse("admin:awards_round_change", args=[round_.pk]), data)

    assert response.status_code == 200
    criteria = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "criteria")
    assert criteria.formset.errors == [{"weight": ["Ensure this value is greater than or equal to 0.01."]}]
    assert Criterion.objects.count() == 0


def test_staff_put_forward_an_ineligible_candidate_and_see_the_reasons(client, expo, exhibitor, secretary):
    category = AwardCategoryFactory(expo=expo, women_led_only=True)
    client.force_login(secretary)

    response = client.post(
        reverse("admin:awards_candidate_add"),
        {
            "category": category.pk,
            "exhibitor": exhibitor.pk,
            "statement": "Put forward by the secretariat.",
            "evidence": [SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    candidate = Candidate.objects.get()
    assert (candidate.route, candidate.put_forward_by, candidate.eligible) == ("staff", secretary, False)
    assert candidate.evidence.get().original_name == "report.pdf"
    page = client.get(reverse("admin:awards_candidate_change", args=[candidate.pk]))
    assert b"not women-led" in page.content
    assert reverse("awards_evidence", args=[candidate.evidence.get().pk]).encode() in page.content


def test_staff_duplicate_candidacy_refused_in_the_form(client, category, exhibitor, secretary):
    AwardCandidateFactory(category=category, exhibitor=exhibitor)
    client.force_login(secretary)

    response = client.post(
        reverse("admin:awards_candidate_add"),
        {"category": category.pk, "exhibitor": exhibitor.pk, "statement": "Again."},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This exhibitor is already a candidate in this category."
    ]
    assert Candidate.objects.count() == 1


def test_candidates_filtered_by_category_status_and_eligibility(client, expo, exhibitor, other_exhibitor, secretary):
    first, second = AwardCategoryFactory(expo=expo), AwardCategoryFactory(expo=expo)
    eligible = AwardCandidateFactory(category=first, exhibitor=exhibitor)
    ineligible = AwardCandidateFactory(
        category=second, exhibitor=other_exhibitor, rules_eligible=False, status="withdrawn"
    )
    client.force_login(secretary)
    url = reverse("admin:awards_candidate_changelist")

    def listed(**query) -> list[int]:
        return [c.pk for c in client.get(url, query).context["cl"].result_list]

    assert listed(category__id__exact=first.pk) == [eligible.pk]
    assert listed(status__exact="withdrawn") == [ineligible.pk]
    assert listed(eligible__exact="0") == [ineligible.pk]
    assert listed(eligible__exact="1") == [eligible.pk]


def test_override_with_a_reason_kept_in_the_history(client, category, exhibitor, secretary):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, rules_eligible=False)
    client.force_login(secretary)
    url = reverse("admin:awards_candidate_eligibility", args=[candidate.pk])

    refused = client.post(url, {"decision": "eligible", "reason": ""})
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    assert EligibilityOverride.objects.count() == 0

    response = client.post(url, {"decision": "eligible", "reason": "Founding papers seen: 2018."})

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.eligible is True
    page = client.get(reverse("admin:awards_candidate_change", args=[candidate.pk]))
    assert b"Founding papers seen: 2018." in page.content
    assert list(EligibilityOverride.objects.values_list("eligible", "decided_by")) == [(True, secretary.pk)]


def test_override_page_refused_without_the_permission(client, category, exhibitor):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, rules_eligible=False)
    reviewer = staff_member(roles.NOMINATION_REVIEWERS)
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:awards_candidate_eligibility", args=[candidate.pk]),
        {"decision": "eligible", "reason": "I think so."},
    )

    assert response.status_code == 403
    candidate.refresh_from_db()
    assert (candidate.eligible, EligibilityOverride.objects.count()) == (False, 0)
    assert client.get(reverse("admin:awards_candidate_changelist")).status_code == 403


def test_secretariat_without_an_authenticator_sent_to_set_one_up(client, category):
    user = StaffFactory()
    add_to_role(user, roles.AWARDS_SECRETARIAT, mfa=False)
    client.force_login(user)

    response = client.get(reverse("admin:awards_category_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_no_one_deletes_a_candidacy(client, category, exhibitor, secretary):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    client.force_login(secretary)

    client.post(reverse("admin:awards_candidate_delete", args=[candidate.pk]), {"post": "yes"})

    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_secretariat_withdraws_a_candidacy_and_the_history_keeps_both_versions(client, category, exhibitor, secretary):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    client.force_login(secretary)
    data = {
        "statement": "Withdrawn at the exhibitor's request.",
        "status": "withdrawn",
        **_inline("evidence", []),
        **_inline("overrides", []),
    }

    response = client.post(reverse("admin:awards_candidate_change", args=[candidate.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    candidate.refresh_from_db()
    assert (candidate.status, candidate.statement) == ("withdrawn", "Withdrawn at the exhibitor's request.")
    assert list(candidate.history.order_by("history_id").values_list("status", flat=True)) == ["active", "withdrawn"]
