"""The trade body's path through the nomination form: draft, steps, products with photos, submit, withdraw;
bad input gets a clear message and changes nothing; the dashboard shows status and what happens next."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from exhibitors import services
from exhibitors.models import (
    Certification,
    Enterprise,
    Nomination,
    NominationProduct,
    NominationRules,
    TradeBodyQuota,
)
from expo.models import OutboundEmail
from tests.factories import (
    ClusterFactory,
    ExpoFactory,
    MembershipFactory,
    NominationFactory,
    NominationProductFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

Status = Nomination.Status


def png(width: int = 40, height: int = 30, colour: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def expo():
    return ExpoFactory()


@pytest.fixture
def cluster():
    return ClusterFactory(name="Surgical instruments, Sialkot")


@pytest.fixture
def certification():
    return Certification.objects.get_or_create(name="ISO 13485")[0]


@pytest.fixture
def owner_client(client, member):
    client.force_login(member)
    return client


def step_one(cluster, **overrides) -> dict:
    return {
        "legal_name": "Hilal Surgical Works (Pvt) Ltd",
        "brand_name": "Hilal Surgical",
        "ntn": "1234567-8",
        "legal_form": "private_limited",
        "year_founded": "1998",
        "employees": "45",
        "turnover_band": "30-75",
        "city": "Sialkot",
        "province": "punjab",
        "cluster": str(cluster.pk),
        "description": "Stainless steel surgical instruments.",
        "website": "hilal.pk",
        "facebook": "",
        "instagram": "",
        "linkedin": "",
        "action": "continue",
        **overrides,
    }


STEP_TWO = {
    "owner_name": "Amna Hilal",
    "owner_gender": "female",
    "women_led": "on",
    "owner_cnic": "35202-1234567-1",
    "owner_phone": "+92 300 1234567",
    "contact_name": "Bilal Ahmed",
    "contact_designation": "Export manager",
    "contact_email": "bilal@hilal.pk",
    "contact_phone": "+92 52 1234567",
    "action": "continue",
}


def products_data(rows: list[dict], initial: int = 0, total: int | None = None) -> dict:
    data = {
        "products-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "products-INITIAL_FORMS": str(initial),
        "products-MIN_NUM_FORMS": "0",
        "products-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"products-{index}-{key}"] = value
    return data


def step_three(certification, rows, **kwargs) -> dict:
    return {
        "certifications": [str(certification.pk)],
        "export_experience": "regular",
        "export_markets": "Germany, UAE",
        "action": "continue",
        **products_data(rows, **kwargs),
    }


STEP_FOUR = {
    "justification": "CE-marked instruments exported to Europe for ten years.",
    "requested_stall_size": "18",
    "wants_women_pavilion": "on",
    "action": "continue",
}


def create(client, trade_body, cluster, **overrides):
    data = step_one(cluster, **overrides)
    return client.post(reverse("nomination_create", args=[trade_body.pk]), data)


# --- The path through the form ------------------------------------------------------------------


def test_nomination_create_saves_a_draft_with_its_logo_and_goes_to_step_two(
    owner_client, trade_body, expo, cluster, django_capture_on_commit_callbacks
):
    data = {**step_one(cluster), "logo": upload("logo.png", png())}

    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnail once saved
        response = owner_client.post(reverse("nomination_create", args=[trade_body.pk]), data)

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("nomination_step", args=[nomination.pk, 2])
    assert (nomination.status, nomination.steps_done, nomination.expo, nomination.trade_body) == (
        Status.DRAFT,
        1,
        expo,
        trade_body,
    )
    assert (nomination.legal_name, nomination.size_class, nomination.website) == (
        "Hilal Surgical Works (Pvt) Ltd",
        "small",
        "https://hilal.pk",
    )
    assert nomination.logo.name.startswith("nominations/logos/")
    assert nomination.logo.name.endswith(".png")
    assert nomination.logo_thumbnail.name.endswith(".png")


def test_nomination_create_save_draft_and_exit_returns_to_the_dashboard(owner_client, trade_body, expo, cluster):
    response = create(owner_client, trade_body, cluster, action="exit")

    assert response.status_code == 302
    assert response.url == reverse("trade_body_dashboard", args=[trade_body.pk])
    assert messages_of(response) == [
        "Draft of Hilal Surgical Works (Pvt) Ltd saved. Continue it any time from your dashboard."
    ]
    assert Nomination.objects.get().status == Status.DRAFT


def test_nomination_draft_comes_back_with_what_was_saved(owner_client, trade_body, expo, cluster):
    create(owner_client, trade_body, cluster, action="exit")
    nomination = Nomination.objects.get()

    dashboard = owner_client.get(reverse("trade_body_dashboard", args=[trade_body.pk])).content.decode()
    step = owner_client.get(reverse("nomination_step", args=[nomination.pk, 1])).content.decode()

    assert reverse("nomination_step", args=[nomination.pk, 2]) in dashboard
    assert 'value="Hilal Surgical Works (Pvt) Ltd"' in step
    assert 'value="1234567-8"' in step
    assert 'aria-current="step"' in step


def test_nomination_whole_path_submits_with_products_photos_and_an_email(
    owner_client, member, trade_body, expo, cluster, certification, django_capture_on_commit_callbacks
):
    create(owner_client, trade_body, cluster)
    nomination = Nomination.objects.get()
    step_url = lambda number: reverse("nomination_step", args=[nomination.pk, number])  # noqa: E731 - a local shorthand

    two = owner_client.post(step_url(2), STEP_TWO)
    with django_capture_on_commit_callbacks(execute=True):  # the worker makes the thumbnails once saved
        three = owner_client.post(
            step_url(3),
            step_three(
                certification,
                [
                    {
                        "id": "",
                        "name": "Dissecting forceps",
                        "description": "Stainless",
                        "hs_code": "9018.90",
                        "photo": upload("forceps.png", png(colour="red")),
                    },
                    {
                        "id": "",
                        "name": "Needle holder",
                        "description": "",
                        "hs_code": "",
                        "photo": upload("nh.png", png()),
                    },
                ],
            ),
        )
    four = owner_client.post(step_url(4), STEP_FOUR)
    review = owner_client.get(reverse("nomination_detail", args=[nomination.pk]))
    submit = owner_client.post(reverse("nomination_submit", args=[nomination.pk]))

    assert [two.url, three.url, four.url] == [
        step_url(3),
        step_url(4),
        reverse("nomination_detail", args=[nomination.pk]),
    ]
    assert 'data-testid="nomination-complete"' in review.content.decode()
    assert submit.url == reverse("trade_body_dashboard", args=[trade_body.pk])
    nomination.refresh_from_db()
    assert (nomination.status, nomination.steps_done, nomination.women_led, nomination.requested_stall_size) == (
        Status.SUBMITTED,
        4,
        True,
        "18",
    )
    assert nomination.wants_women_pavilion is True
    assert list(nomination.certifications.values_list("name", flat=True)) == ["ISO 13485"]
    products = list(nomination.products.order_by("pk"))
    assert [(product.name, product.hs_code) for product in products] == [
        ("Dissecting forceps", "9018.90"),
        ("Needle holder", ""),
    ]
    assert all(product.photo.name.endswith(".png") and product.thumbnail.name for product in products)
    assert nomination.enterprise == Enterprise.objects.get(ntn="12345678")
    email = OutboundEmail.objects.get(template="nomination_submitted")
    assert (email.to, email.subject) == (
        member.email,
        f"Nomination submitted: Hilal Surgical Works (Pvt) Ltd for {expo.name}",
    )
    assert "Sialkot Chamber of Commerce and Industry has submitted the nomination of Hilal Surgical Works" in (
        email.body_text
    )
    dashboard = owner_client.get(reverse("trade_body_dashboard", args=[trade_body.pk])).content.decode()
    assert 'data-testid="nomination-status">Submitted</span>' in dashboard
    assert "Next: SMEDA reviews it. You can still withdraw it until the review begins." in dashboard


def test_nomination_products_step_renames_and_removes_products(owner_client, trade_body, expo, certification):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    keep = NominationProductFactory(nomination=nomination, name="Forceps")
    drop = NominationProductFactory(nomination=nomination, name="Scissors")
    rows = [
        {"id": str(keep.pk), "name": "Dissecting forceps", "description": "", "hs_code": ""},
        {"id": str(drop.pk), "name": "Scissors", "description": "", "hs_code": "", "DELETE": "on"},
    ]

    response = owner_client.post(
        reverse("nomination_step", args=[nomination.pk, 3]), step_three(certification, rows, initial=2)
    )

    assert response.status_code == 302
    assert list(nomination.products.values_list("pk", "name")) == [(keep.pk, "Dissecting forceps")]


def test_nomination_products_step_cannot_edit_another_nominations_product(
    owner_client, trade_body, expo, certification
):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    foreign = NominationProductFactory(name="Someone else's product")
    rows = [{"id": str(foreign.pk), "name": "Hijacked", "description": "", "hs_code": ""}]

    owner_client.post(reverse("nomination_step", args=[nomination.pk, 3]), step_three(certification, rows))

    foreign.refresh_from_db()
    assert foreign.name == "Someone else's product"
    assert list(nomination.products.values_list("name", flat=True)) == ["Hijacked"]


def test_nomination_products_step_save_and_add_more_stays_on_the_step(owner_client, trade_body, expo, certification):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    rows = [{"id": "", "name": "Forceps", "description": "", "hs_code": ""}]

    response = owner_client.post(
        reverse("nomination_step", args=[nomination.pk, 3]), {**step_three(certification, rows), "action": "more"}
    )

    assert response.url == reverse("nomination_step", args=[nomination.pk, 3])
    page = owner_client.get(response.url).content.decode()
    assert 'name="products-TOTAL_FORMS" value="2"' in page


def test_nomination_withdraw_a_submitted_nomination(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body)

    response = owner_client.post(reverse("nomination_withdraw", args=[nomination.pk]))

    nomination.refresh_from_db()
    assert nomination.status == Status.WITHDRAWN
    assert messages_of(response) == [f"{nomination.legal_name} is withdrawn."]
    assert response.url == reverse("trade_body_dashboard", args=[trade_body.pk])


def test_nomination_withdraw_under_review_is_refused(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status=Status.UNDER_REVIEW)

    response = owner_client.post(reverse("nomination_withdraw", args=[nomination.pk]))

    nomination.refresh_from_db()
    assert nomination.status == Status.UNDER_REVIEW
    assert messages_of(response) == ["A nomination can be withdrawn only until its review begins."]


def test_nomination_submit_and_withdraw_refuse_get(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None)

    responses = [
        owner_client.get(reverse(name, args=[nomination.pk])) for name in ("nomination_submit", "nomination_withdraw")
    ]

    assert [response.status_code for response in responses] == [405, 405]
    nomination.refresh_from_db()
    assert nomination.status == Status.DRAFT


# --- Bad input ------------------------------------------------------------------------------------


def test_nomination_create_with_a_wrong_ntn_shows_the_error_and_creates_nothing(
    owner_client, trade_body, expo, cluster
):
    response = create(owner_client, trade_body, cluster, ntn="12345")

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"ntn": ["Enter the NTN as 7 digits and a check digit, for example 1234567-8."]}
    assert 'id="error_1_id_ntn"' in response.content.decode()
    assert Nomination.objects.count() == 0


def test_nomination_step_with_bad_input_saves_nothing(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    before = (nomination.owner_name, nomination.contact_email)

    response = owner_client.post(
        reverse("nomination_step", args=[nomination.pk, 2]),
        {**STEP_TWO, "owner_name": "Changed", "contact_email": "not-an-email", "owner_cnic": "123"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "owner_cnic": ["Enter a CNIC as 12345-1234567-1, or a passport number of 6 to 12 letters and digits."],
        "contact_email": ["Enter a valid email address."],
    }
    nomination.refresh_from_db()
    assert (nomination.owner_name, nomination.contact_email) == before
    # The page header still shows the saved name, not what was typed.
    assert f'<h1 class="h3 mb-0">{nomination.legal_name}</h1>' in response.content.decode()


def test_nomination_women_pavilion_needs_a_women_led_enterprise(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, women_led=False)

    response = owner_client.post(reverse("nomination_step", args=[nomination.pk, 4]), STEP_FOUR)

    assert response.context["form"].errors == {
        "wants_women_pavilion": [
            "Only women-led enterprises can be placed in the women entrepreneurs pavilion. "
            "Tick “women-led” at step 2 first."
        ]
    }
    nomination.refresh_from_db()
    assert nomination.justification != STEP_FOUR["justification"]


MISSING_CASES = [
    ("legal_name", 1, "legal name"),
    ("turnover_band", 1, "annual turnover"),
    ("city", 1, "city"),
    ("province", 1, "province"),
    ("cluster", 1, "cluster"),
    ("description", 1, "what the enterprise makes or does"),
    ("owner_name", 2, "owner's name"),
    ("contact_name", 2, "contact person"),
    ("contact_email", 2, "contact email"),
    ("contact_phone", 2, "contact phone"),
    ("justification", 4, "why this SME should exhibit"),
    ("requested_stall_size", 4, "requested stall size"),
    ("products", 3, "at least one product"),
]


@pytest.mark.parametrize(("field", "step", "label"), MISSING_CASES, ids=[case[0] for case in MISSING_CASES])
def test_nomination_submit_with_a_required_field_missing_is_refused_and_listed(
    owner_client, trade_body, expo, field, step, label
):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    if field == "cluster":
        Nomination.objects.filter(pk=nomination.pk).update(cluster=None)
    elif field != "products":
        Nomination.objects.filter(pk=nomination.pk).update(**{field: ""})
    if field != "products":
        NominationProductFactory(nomination=nomination)
    nomination.refresh_from_db()

    review = owner_client.get(reverse("nomination_detail", args=[nomination.pk]))
    submit = owner_client.post(reverse("nomination_submit", args=[nomination.pk]))

    assert services.nomination_missing(nomination) == [(step, label)]
    assert review.context["missing"] == [(step, Nomination.Step(step).label, [label])]
    page = review.content.decode()
    assert 'data-testid="nomination-missing"' in page
    assert f'href="{reverse("nomination_step", args=[nomination.pk, step])}"' in page
    assert messages_of(submit) == [f"Please complete: {label}."]
    nomination.refresh_from_db()
    assert nomination.status == Status.DRAFT


def test_nomination_create_over_quota_shows_the_message_and_creates_nothing(owner_client, trade_body, expo, cluster):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=1)
    NominationFactory(trade_body=trade_body, expo=expo)

    response = create(owner_client, trade_body, cluster)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Sialkot Chamber of Commerce and Industry has used all 1 of its nominations for {expo.name}. "
        "Withdraw a nomination or ask the SMEDA expo team for a larger quota."
    ]
    assert "has used all 1 of its nominations" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_nomination_submit_over_quota_is_refused(owner_client, trade_body, expo):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=1)
    NominationFactory(trade_body=trade_body, expo=expo)
    draft = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None, submitted_at=None)
    NominationProductFactory(nomination=draft)

    response = owner_client.post(reverse("nomination_submit", args=[draft.pk]))

    assert messages_of(response) == [
        f"Sialkot Chamber of Commerce and Industry has used all 1 of its nominations for {expo.name}. "
        "Withdraw a nomination or ask the SMEDA expo team for a larger quota."
    ]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_nomination_create_when_nominations_are_closed_creates_nothing(owner_client, trade_body, expo, cluster):
    NominationRules.objects.create(expo=expo, nominations_open=False)

    response = create(owner_client, trade_body, cluster)

    assert response.context["form"].non_field_errors() == [f"Nominations for {expo.name} are closed."]
    assert Nomination.objects.count() == 0


def test_nomination_step_after_submission_is_refused_with_the_message(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body)
    url = reverse("nomination_step", args=[nomination.pk, 2])

    shown = owner_client.get(url, follow=True)
    posted = owner_client.post(url, {**STEP_TWO, "owner_name": "Changed"}, follow=True)

    detail = reverse("nomination_detail", args=[nomination.pk])
    assert shown.redirect_chain == posted.redirect_chain == [(detail, 302)]
    message = "This nomination has been submitted and can no longer be changed."
    assert [str(m) for m in shown.context["messages"]] == [str(m) for m in posted.context["messages"]] == [message]
    nomination.refresh_from_db()
    assert nomination.owner_name != "Changed"


def test_nomination_step_beyond_four_is_not_found(owner_client, trade_body, expo):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None)

    assert owner_client.get(reverse("nomination_step", args=[nomination.pk, 5])).status_code == 404
    assert owner_client.get(reverse("nomination_step", args=[nomination.pk, 0])).status_code == 404


# --- The dashboard ------------------------------------------------------------------------------


def test_trade_body_dashboard_shows_quota_status_and_what_happens_next(owner_client, trade_body, expo):
    TradeBodyQuota.objects.create(expo=expo, trade_body=trade_body, limit=4)
    NominationFactory(trade_body=trade_body, legal_name="Draft Works", status=Status.DRAFT, enterprise=None)
    NominationFactory(
        trade_body=trade_body, legal_name="Waiting Works", status=Status.WAITLISTED, decision_reason="Pavilion full."
    )
    NominationFactory(
        trade_body=trade_body, legal_name="Approved Works", status=Status.APPROVED, contact_email="a@approved.pk"
    )
    NominationFactory(legal_name="Other Body Works")

    page = owner_client.get(reverse("trade_body_dashboard", args=[trade_body.pk])).content.decode()

    assert "2 of 4 nominations used" in page
    assert "2 places left" in page
    assert '<progress class="w-100" value="2" max="4"' in page
    assert "Next: finish the form (1 of 4 steps saved) and submit it." not in page  # factory drafts have 0 steps
    assert "Next: finish the form (0 of 4 steps saved) and submit it. Drafts do not use your quota." in page
    assert "Waitlisted: SMEDA will offer a place if one opens. Reason: Pavilion full." in page
    assert "Approved. The exhibitor was invited by email (a@approved.pk) to set up its profile." in page
    assert "Other Body Works" not in page
    assert reverse("nomination_create", args=[trade_body.pk]) in page
    assert reverse("nomination_import", args=[trade_body.pk]) in page


def test_trade_body_dashboard_query_count_is_the_same_for_1_and_15_nominations(owner_client, trade_body, expo):
    url = reverse("trade_body_dashboard", args=[trade_body.pk])
    NominationFactory(trade_body=trade_body)
    owner_client.get(url)  # the first visit makes the edition's nomination rules
    with CaptureQueriesContext(connection) as one:
        assert owner_client.get(url).status_code == 200

    for _ in range(14):
        NominationFactory(trade_body=trade_body)
    with CaptureQueriesContext(connection) as fifteen:
        response = owner_client.get(url)

    assert len(response.context["nominations"]) == 15
    assert len(fifteen) == len(one)


def test_trade_body_dashboard_empty_state_keeps_its_test_id(owner_client, trade_body, expo):
    page = owner_client.get(reverse("trade_body_dashboard", args=[trade_body.pk])).content.decode()

    assert 'data-testid="nominations-empty"' in page


# --- The emails the services send ----------------------------------------------------------------


def test_nomination_decided_email_gives_the_trade_body_the_reason(trade_body, member, expo):
    nomination = NominationFactory(trade_body=trade_body, legal_name="Zahra Sports", status=Status.UNDER_REVIEW)

    services.nomination_decide(
        nomination=nomination,
        decision=Status.WAITLISTED,
        reason="The sports goods pavilion is full.",
        user=StaffFactory(is_superuser=True),
        site_url="https://expo.example.pk",
    )

    email = OutboundEmail.objects.get(template="nomination_decided")
    assert (email.to, email.subject) == (member.email, f"Waitlisted: Zahra Sports for {expo.name}")
    assert "The sports goods pavilion is full." in email.body_text
    assert "The sports goods pavilion is full." in email.body_html


def test_nomination_decided_email_on_approval_names_the_invited_contact(trade_body, member, expo):
    MembershipFactory(trade_body=trade_body, user__is_active=False)
    nomination = NominationFactory(
        trade_body=trade_body, legal_name="O'Hara & Sons", contact_email="owner@ohara.pk", status=Status.UNDER_REVIEW
    )

    services.nomination_decide(
        nomination=nomination,
        decision=Status.APPROVED,
        reason="",
        user=StaffFactory(is_superuser=True),
        site_url="https://expo.example.pk",
    )

    email = OutboundEmail.objects.get(template="nomination_decided")
    assert (email.to, email.subject) == (member.email, f"Approved: O'Hara & Sons will exhibit at {expo.name}")
    assert f"Good news: SMEDA has approved O'Hara & Sons as an exhibitor at {expo.name}." in email.body_text
    assert "The enterprise's contact (owner@ohara.pk) has been invited by email" in email.body_text
    assert "O&#x27;Hara &amp; Sons" in email.body_html


def test_nomination_product_photo_rows_are_capped_at_ten(owner_client, trade_body, expo, certification):
    nomination = NominationFactory(trade_body=trade_body, status=Status.DRAFT, enterprise=None)
    rows = [{"id": "", "name": f"Product {index}", "description": "", "hs_code": ""} for index in range(11)]

    response = owner_client.post(reverse("nomination_step", args=[nomination.pk, 3]), step_three(certification, rows))

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors() == ["Please submit at most 10 forms."]
    assert NominationProduct.objects.filter(nomination=nomination).count() == 0
