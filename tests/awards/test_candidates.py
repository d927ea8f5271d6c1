"""Candidates put forward by a trade body and by an exhibitor from their dashboards: the path each takes, the bad
input each is refused with (nothing saved, no file left behind), and who may not see or open what."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from awards import services
from awards.access import JURORS
from awards.forms import EVIDENCE_PDF_MAX_BYTES
from awards.models import Assignment, Candidate, ConflictFlag, EligibilityOverride, EvidenceFile, Round
from expo import roles
from tests.awards.conftest import pdf_bytes
from tests.conftest import staff_member, with_totp
from tests.factories import (
    AwardCandidateFactory,
    AwardCategoryFactory,
    AwardRoundFactory,
    ExhibitorFactory,
    JurorFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _pdf(name="export-orders.pdf", data=None):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type="application/pdf")


def _photo_with_location() -> SimpleUploadedFile:
    """A JPEG carrying EXIF metadata (as a phone's photo carries its location)."""
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("stall.jpg", buffer.getvalue(), content_type="image/jpeg")


def _private_files() -> set[str]:
    """The evidence files in private storage."""
    storage = EvidenceFile._meta.get_field("file").storage
    return set(storage.listdir("awards/evidence")[1]) if storage.exists("awards/evidence") else set()


@pytest.fixture
def files_before():
    return _private_files()


# --- The paths --------------------------------------------------------------------------------------------------


def test_trade_body_puts_its_exhibitor_forward_with_evidence(
    client, settings, files_before, category, exhibitor, chamber, chamber_member
):
    client.force_login(chamber_member)

    page = client.get(reverse("awards_trade_body_new", args=[chamber.pk]))
    assert page.status_code == 200
    assert list(page.context["form"].fields["exhibitor"].queryset) == [exhibitor]
    response = client.post(
        reverse("awards_trade_body_new", args=[chamber.pk]),
        {
            "exhibitor": exhibitor.pk,
            "category": category.pk,
            "statement": "Tripled its exports to Germany.",
            "evidence": [_pdf(), _photo_with_location()],
        },
    )

    candidate = Candidate.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("awards_candidate", args=[candidate.pk])
    assert (candidate.route, candidate.trade_body, candidate.put_forward_by) == ("trade_body", chamber, chamber_member)
    assert (candidate.eligible, candidate.rules_reasons) == (True, [])
    files = list(candidate.evidence.order_by("pk"))
    assert [(f.kind, f.original_name) for f in files] == [("pdf", "export-orders.pdf"), ("image", "stall.jpg")]
    # Stored privately under random names, the photo re-encoded without its metadata.
    assert _private_files() - files_before == {f.file.name.rsplit("/", 1)[1] for f in files}
    assert not str(files[0].file.path).startswith(str(settings.MEDIA_ROOT))
    assert not (settings.MEDIA_ROOT / "awards").exists()
    assert "export-orders" not in files[0].file.name
    with files[1].file.open("rb") as handle:
        assert not Image.open(handle).getexif()
    listing = client.get(reverse("awards_trade_body", args=[chamber.pk]))
    assert [c.pk for c in listing.context["candidates"]] == [candidate.pk]


def test_exhibitor_puts_itself_forward(client, category, exhibitor, exhibitor_member):
    client.force_login(exhibitor_member)

    response = client.post(
        reverse("awards_exhibitor_new", args=[exhibitor.pk]),
        {"category": category.pk, "statement": "First in Sialkot to export to Japan."},
    )

    candidate = Candidate.objects.get()
    assert response.status_code == 302
    assert (candidate.exhibitor, candidate.route, candidate.trade_body) == (exhibitor, "self", None)
    page = client.get(reverse("awards_candidate", args=[candidate.pk]))
    assert page.status_code == 200
    assert b"First in Sialkot to export to Japan." in page.content


def test_exhibitor_dashboard_and_trade_body_dashboard_link_to_the_awards(
    client, exhibitor, exhibitor_member, chamber_member, chamber
):
    client.force_login(exhibitor_member)
    assert (
        reverse("awards_exhibitor", args=[exhibitor.pk]).encode()
        in client.get(reverse("exhibitor_dashboard", args=[exhibitor.pk])).content
    )
    client.force_login(chamber_member)
    assert (
        reverse("awards_trade_body", args=[chamber.pk]).encode()
        in client.get(reverse("trade_body_dashboard", args=[chamber.pk])).content
    )


def test_ineligible_candidate_shows_each_reason(client, expo, exhibitor, exhibitor_member):
    category = AwardCategoryFactory(expo=expo, women_led_only=True, micro_only=True)
    client.force_login(exhibitor_member)

    response = client.post(
        reverse("awards_exhibitor_new", args=[exhibitor.pk]), {"category": category.pk, "statement": "We grew."}
    )

    assert response.status_code == 200
    error = response.context["form"].errors["category"][0]
    assert "not women-led" in error
    assert "not a micro enterprise" in error
    assert Candidate.objects.count() == 0


# --- Bad input --------------------------------------------------------------------------------------------------


def _active_pdf() -> bytes:
    """A PDF that runs JavaScript when it is opened."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _pdf(data=b"This is only text, named as a PDF."), "neither a PDF nor an image"),
        (lambda: _pdf(data=pdf_bytes()[:200]), "damaged or incomplete"),
        (lambda: _pdf(data=pdf_bytes() + b"%" * EVIDENCE_PDF_MAX_BYTES), "larger than 10 MB"),
        (lambda: _pdf(data=_active_pdf()), "scripts, attachments or actions"),
        (lambda: _pdf(name="x.pdf", data=b"<html><script>alert(1)</script></html>"), "web page code"),
    ],
)
def test_bad_evidence_file_refused_next_to_the_field_and_nothing_saved(
    client, files_before, category, exhibitor, exhibitor_member, upload, message
):
    client.force_login(exhibitor_member)

    response = client.post(
        reverse("awards_exhibitor_new", args=[exhibitor.pk]),
        {"category": category.pk, "statement": "We grew.", "evidence": [_pdf(name="good.pdf"), upload()]},
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["evidence"][0]
    assert (Candidate.objects.count(), EvidenceFile.objects.count()) == (0, 0)
    assert _private_files() == files_before


def test_missing_statement_refused(client, category, exhibitor, exhibitor_member):
    client.force_login(exhibitor_member)

    response = client.post(
        reverse("awards_exhibitor_new", args=[exhibitor.pk]), {"category": category.pk, "statement": " "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["statement"] == ["This field is required."]
    assert Candidate.objects.count() == 0


def test_second_candidacy_in_a_category_refused_with_a_clear_message(
    client, files_before, category, exhibitor, chamber, chamber_member
):
    AwardCandidateFactory(category=category, exhibitor=exhibitor, route="self")
    client.force_login(chamber_member)

    response = client.post(
        reverse("awards_trade_body_new", args=[chamber.pk]),
        {"exhibitor": exhibitor.pk, "category": category.pk, "statement": "Again.", "evidence": [_pdf()]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["category"] == [
        "Sialkot Surgical Works is already a candidate for this award."
    ]
    assert (Candidate.objects.count(), EvidenceFile.objects.count()) == (1, 0)
    assert _private_files() == files_before


def test_closed_category_takes_no_candidates(client, expo, exhibitor, exhibitor_member):
    closed = AwardCategoryFactory(expo=expo, candidacy_open=False)
    client.force_login(exhibitor_member)

    response = client.post(
        reverse("awards_exhibitor_new", args=[exhibitor.pk]), {"category": closed.pk, "statement": "x"}
    )

    assert "category" in response.context["form"].errors
    assert Candidate.objects.count() == 0


# --- Who may not ------------------------------------------------------------------------------------------------


def test_trade_body_cannot_put_forward_another_trade_bodys_exhibitor(
    client, category, chamber, chamber_member, other_exhibitor
):
    client.force_login(chamber_member)

    response = client.post(
        reverse("awards_trade_body_new", args=[chamber.pk]),
        {"exhibitor": other_exhibitor.pk, "category": category.pk, "statement": "Not ours."},
    )

    assert response.status_code == 200
    assert "exhibitor" in response.context["form"].errors
    assert Candidate.objects.count() == 0


def test_trade_body_service_refuses_an_exhibitor_it_did_not_nominate(
    category, chamber, chamber_member, other_exhibitor
):
    with pytest.raises(services.AwardsError, match="only the exhibitors it nominated"):
        services.candidate_put_forward(
            category=category,
            exhibitor=other_exhibitor,
            route=Candidate.Route.TRADE_BODY,
            trade_body=chamber,
            statement="Not ours.",
            evidence=[],
            by=chamber_member,
        )
    assert Candidate.objects.count() == 0


def test_another_trade_body_gets_404_everywhere(client, category, exhibitor, chamber, other_chamber_member):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, route="trade_body", trade_body=chamber)
    client.force_login(other_chamber_member)

    for url in (
        reverse("awards_trade_body", args=[chamber.pk]),
        reverse("awards_trade_body_new", args=[chamber.pk]),
        reverse("awards_candidate", args=[candidate.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("awards_trade_body_new", args=[chamber.pk]),
            {"exhibitor": exhibitor.pk, "category": category.pk, "statement": "x"},
        ).status_code
        == 404
    )


def test_another_exhibitor_gets_404_everywhere(client, category, exhibitor, other_exhibitor_member):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, route="self")
    client.force_login(other_exhibitor_member)

    for url in (
        reverse("awards_exhibitor", args=[exhibitor.pk]),
        reverse("awards_exhibitor_new", args=[exhibitor.pk]),
        reverse("awards_candidate", args=[candidate.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_trade_body_list_shows_only_its_own_exhibitors(
    client, category, exhibitor, other_exhibitor, chamber, chamber_member
):
    own = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    AwardCandidateFactory(category=category, exhibitor=other_exhibitor)
    client.force_login(chamber_member)

    response = client.get(reverse("awards_trade_body", args=[chamber.pk]))

    assert [c.pk for c in response.context["candidates"]] == [own.pk]
    assert b"Karachi Leather Co" not in response.content


def test_anonymous_sent_to_sign_in(client, category, exhibitor, chamber):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor)
    for url in (
        reverse("awards_trade_body", args=[chamber.pk]),
        reverse("awards_exhibitor_new", args=[exhibitor.pk]),
        reverse("awards_candidate", args=[candidate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response.url


# --- Evidence files ---------------------------------------------------------------------------------------------


@pytest.fixture
def evidence(category, exhibitor, exhibitor_member):
    candidate = services.candidate_put_forward(
        category=category,
        exhibitor=exhibitor,
        route=Candidate.Route.SELF,
        statement="Our export orders.",
        evidence=[services.Evidence(name="orders.pdf", content=pdf_bytes(), kind="pdf", extension="pdf")],
        by=exhibitor_member,
    )
    return candidate.evidence.get()


def _juror_user(candidate, *, conflicted=False):
    user = with_totp(UserFactory())
    user.groups.add(Group.objects.get(name=JURORS))
    juror = JurorFactory(expo=candidate.category.expo)
    juror.members.add(user)
    round_ = Round.objects.filter(category=candidate.category).first() or AwardRoundFactory(category=candidate.category)
    Assignment.objects.create(juror=juror, candidate=candidate, round=round_)
    if conflicted:
        ConflictFlag.objects.create(juror=juror, candidate=candidate, source="declared", detail="My cousin's firm.")
    return user


def test_evidence_opens_for_the_secretariat_as_a_download(client, evidence):
    client.force_login(staff_member(roles.AWARDS_SECRETARIAT))

    response = client.get(reverse("awards_evidence", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_opens_for_an_assigned_juror_only_without_a_conflict(client, evidence):
    from tests.conftest import staff_groups_ensure

    staff_groups_ensure()
    client.force_login(_juror_user(evidence.candidate))
    assert client.get(reverse("awards_evidence", args=[evidence.pk])).status_code == 200
    client.force_login(_juror_user(evidence.candidate, conflicted=True))
    assert client.get(reverse("awards_evidence", args=[evidence.pk])).status_code == 404


def test_evidence_refused_to_everyone_else(client, evidence, exhibitor_member, chamber_member, other_chamber_member):
    from tests.conftest import staff_groups_ensure

    staff_groups_ensure()
    unassigned_juror = with_totp(UserFactory())
    unassigned_juror.groups.add(Group.objects.get(name=JURORS))
    JurorFactory(expo=evidence.candidate.category.expo).members.add(unassigned_juror)
    url = reverse("awards_evidence", args=[evidence.pk])
    for user in (
        exhibitor_member,
        chamber_member,
        other_chamber_member,
        unassigned_juror,
        staff_member(roles.NOMINATION_REVIEWERS),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302
    # The candidate's own page lists the file without a link to it.
    client.force_login(exhibitor_member)
    page = client.get(reverse("awards_candidate", args=[evidence.candidate.pk]))
    assert b"orders.pdf" in page.content
    assert url.encode() not in page.content


def test_evidence_refused_to_secretariat_without_an_authenticator(client, evidence):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=roles.AWARDS_SECRETARIAT))
    client.force_login(user)

    response = client.get(reverse("awards_evidence", args=[evidence.pk]))

    assert response.status_code in (302, 403)
    assert not hasattr(response, "streaming_content")


# --- Eligibility overrides --------------------------------------------------------------------------------------


def test_override_kept_in_history_each_time(category, exhibitor):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, rules_eligible=False)
    secretary = staff_member(roles.AWARDS_SECRETARIAT)

    services.candidate_override_eligibility(
        candidate=candidate, eligible=True, reason="Founded in 2019; papers seen.", by=secretary
    )
    assert candidate.eligible is True
    services.candidate_override_eligibility(candidate=candidate, eligible=None, reason="Rules updated.", by=secretary)

    candidate.refresh_from_db()
    assert candidate.eligible is False
    assert list(
        EligibilityOverride.objects.order_by("decided_at", "pk").values_list("eligible", "reason", "decided_by")
    ) == [
        (True, "Founded in 2019; papers seen.", secretary.pk),
        (None, "Rules updated.", secretary.pk),
    ]


def test_override_refused_without_the_permission_or_a_reason(category, exhibitor):
    candidate = AwardCandidateFactory(category=category, exhibitor=exhibitor, rules_eligible=False)

    with pytest.raises(services.AwardsError, match="may not override"):
        services.candidate_override_eligibility(
            candidate=candidate, eligible=True, reason="Because.", by=staff_member(roles.NOMINATION_REVIEWERS)
        )
    with pytest.raises(services.AwardsError, match="Give the reason"):
        services.candidate_override_eligibility(
            candidate=candidate, eligible=True, reason="  ", by=staff_member(roles.AWARDS_SECRETARIAT)
        )

    candidate.refresh_from_db()
    assert (candidate.eligible, EligibilityOverride.objects.count()) == (False, 0)


# --- Query counts -----------------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_trade_body_awards_page_queries_do_not_grow_with_candidates(client, expo, chamber, chamber_member):
    client.force_login(chamber_member)
    url = reverse("awards_trade_body", args=[chamber.pk])
    AwardCandidateFactory(
        category__expo=expo, exhibitor=ExhibitorFactory(nomination__expo=expo, nomination__trade_body=chamber)
    )
    one = _queries(client, url)
    for _ in range(3):
        AwardCandidateFactory(
            category__expo=expo, exhibitor=ExhibitorFactory(nomination__expo=expo, nomination__trade_body=chamber)
        )
    assert _queries(client, url) == one


def test_exhibitor_awards_page_queries_do_not_grow_with_candidacies_or_categories(
    client, expo, exhibitor, exhibitor_member
):
    client.force_login(exhibitor_member)
    url = reverse("awards_exhibitor", args=[exhibitor.pk])
    AwardCandidateFactory(category__expo=expo, exhibitor=exhibitor)
    one = _queries(client, url)
    for _ in range(3):
        category = AwardCandidateFactory(category__expo=expo, exhibitor=exhibitor).category
        category.clusters.add(exhibitor.cluster)
    assert _queries(client, url) == one
