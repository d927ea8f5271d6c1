"""Conflicts between jurors and candidates: each source the portal's own data shows, the juror's declarations, a
flagged juror refused the candidate everywhere (a 404), flags cleared only with the permission and a reason, and
every flag with its clearance exported."""

import csv
import io

import pytest
from django.urls import reverse

from awards import jury
from awards.models import Candidate, ConflictFlag, EvidenceFile
from awards.services import AwardsError
from expo import roles
from tests.awards.conftest import pdf_bytes
from tests.awards.jury import assign, juror_with_account, round_with_rubric
from tests.conftest import staff_member
from tests.factories import (
    AwardCandidateFactory,
    AwardCategoryFactory,
    ClusterFactory,
    EnterpriseFactory,
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExpoFactory,
    MeetingRequestFactory,
    MembershipFactory,
    SlotFactory,
    TableFactory,
    UserFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(category):
    return round_with_rubric(category)


@pytest.fixture
def candidate(category, exhibitor):
    return AwardCandidateFactory(category=category, exhibitor=exhibitor)


@pytest.fixture
def juror(expo, round):
    return juror_with_account(expo, round=round, organisation="Lahore University of Management Sciences")


def _sources(juror, candidate) -> set[str]:
    jury.conflicts_refresh(jurors=[juror], candidates=[candidate])
    return set(ConflictFlag.objects.filter(juror=juror, candidate=candidate).values_list("source", flat=True))


# --- Each source the data shows ---------------------------------------------------------------------------------


def test_no_tie_no_flag(juror, candidate, other_exhibitor, category):
    other = AwardCandidateFactory(category=category, exhibitor=other_exhibitor)
    assert jury.conflicts_refresh(jurors=[juror], candidates=[candidate, other]) == []


def test_member_of_the_candidates_trade_body_is_flagged(juror, candidate, chamber, other_chamber):
    MembershipFactory(trade_body=other_chamber, user=juror.user)
    assert _sources(juror, candidate) == set()
    MembershipFactory(trade_body=chamber, user=juror.user)
    assert _sources(juror, candidate) == {ConflictFlag.Source.TRADE_BODY}
    flag = ConflictFlag.objects.get(juror=juror)
    assert "Sialkot Chamber" in flag.detail
    assert flag.is_active


def test_same_email_domain_as_an_exhibitor_member_is_flagged(expo, round, candidate, exhibitor):
    ExhibitorMembershipFactory(exhibitor=exhibitor, user=UserFactory(email="owner@sialkotsurgical.pk"))
    juror = juror_with_account(expo, round=round, email="adviser@SialkotSurgical.pk")
    assert _sources(juror, candidate) == {ConflictFlag.Source.ORGANISATION}


def test_a_public_mail_domain_is_no_tie(expo, round, candidate, exhibitor):
    ExhibitorMembershipFactory(exhibitor=exhibitor, user=UserFactory(email="owner.surgical@gmail.com"))
    juror = juror_with_account(expo, round=round, email="some.juror@gmail.com")
    assert _sources(juror, candidate) == set()


def test_same_organisation_name_ignoring_case_and_spaces_is_flagged(expo, round, candidate):
    juror = juror_with_account(expo, round=round, organisation="  sialkot SURGICAL   works ")
    assert _sources(juror, candidate) == {ConflictFlag.Source.ORGANISATION}


def test_accepted_meeting_request_with_the_jurors_email_is_flagged(expo, round, candidate, exhibitor):
    juror = juror_with_account(expo, round=round)
    buyer = VisitorParticipantFactory(expo=expo, registration=confirmed_buyer(expo, email=juror.email))
    theirs = ExhibitorParticipantFactory(exhibitor=exhibitor)
    request = MeetingRequestFactory(sender=buyer, receiver=theirs)
    assert _sources(juror, candidate) == set()  # a request not (yet) accepted is no tie
    request.status = "accepted"
    request.save()
    assert _sources(juror, candidate) == {ConflictFlag.Source.MEETING_OR_LEAD}


def test_b2b_meeting_of_the_jurors_enterprise_is_flagged(expo, round, candidate, exhibitor, other_exhibitor):
    from matchmaking.models import Meeting

    # The juror's own SME exhibits (another cluster, so the cluster-and-city rule says nothing) and met the candidate.
    other_exhibitor.cluster = ClusterFactory()
    juror = juror_with_account(expo, round=round, enterprise=other_exhibitor.enterprise)
    ours = ExhibitorParticipantFactory(exhibitor=other_exhibitor)
    theirs = ExhibitorParticipantFactory(exhibitor=exhibitor)
    request = MeetingRequestFactory(sender=theirs, receiver=ours, status="declined")
    Meeting.objects.create(expo=expo, request=request, slot=SlotFactory(expo=expo), table=TableFactory(expo=expo))
    assert ConflictFlag.Source.MEETING_OR_LEAD in _sources(juror, candidate)


def test_own_enterprise_in_the_same_cluster_and_city_is_flagged(expo, round, candidate, exhibitor):
    elsewhere = juror_with_account(
        expo, round=round, enterprise=EnterpriseFactory(cluster=exhibitor.cluster, city="Lahore")
    )
    assert _sources(elsewhere, candidate) == set()
    neighbour = juror_with_account(
        expo, round=round, enterprise=EnterpriseFactory(cluster=exhibitor.cluster, city=" SIALKOT")
    )
    assert _sources(neighbour, candidate) == {ConflictFlag.Source.CLUSTER_CITY}


def test_a_cleared_flag_is_not_raised_again(juror, candidate, chamber):
    MembershipFactory(trade_body=chamber, user=juror.user)
    flag = jury.conflicts_refresh(jurors=[juror], candidates=[candidate])[0]
    jury.conflict_clear(flag=flag, reason="Left the chamber in 2024.", by=staff_member(roles.AWARDS_SECRETARIAT))
    assert jury.conflicts_refresh(jurors=[juror], candidates=[candidate]) == []
    assert ConflictFlag.objects.get().cleared_at is not None


# --- A flagged juror is refused the candidate everywhere ----------------------------------------------------------


def test_flagged_juror_gets_404_on_the_candidate_its_scoring_page_and_evidence(client, juror, candidate, round):
    evidence = EvidenceFile.objects.create(
        candidate=candidate, kind="pdf", original_name="orders.pdf", size=10, file="awards/evidence/x.pdf"
    )
    evidence.file.storage.save("awards/evidence/x.pdf", io.BytesIO(pdf_bytes()))
    evidence.file.name = "awards/evidence/x.pdf"
    evidence.save()
    assign(juror, candidate, round)
    client.force_login(juror.user)
    score_url = reverse("awards_jury_score", args=[round.pk, candidate.pk])
    # Before the flag: the juror opens all three.
    assert client.get(score_url).status_code == 200
    assert client.get(reverse("awards_jury_candidate", args=[candidate.pk])).status_code == 302
    assert client.get(reverse("awards_evidence", args=[evidence.pk])).status_code == 200
    assert candidate.exhibitor.name in client.get(reverse("awards_jury")).content.decode()

    jury.conflict_declare(juror=juror, candidate=candidate, reason="I advise its owners.", by=juror.user)

    assert client.get(score_url).status_code == 404
    assert client.post(score_url, {"draft": ""}).status_code == 404
    assert client.get(reverse("awards_jury_candidate", args=[candidate.pk])).status_code == 404
    assert client.get(reverse("awards_evidence", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("awards_candidate", args=[candidate.pk])).status_code == 404
    assert candidate.exhibitor.name not in client.get(reverse("awards_jury")).content.decode()


def test_juror_declares_a_conflict_and_the_candidate_is_hidden(client, juror, candidate, round):
    assign(juror, candidate, round)
    client.force_login(juror.user)

    response = client.post(reverse("awards_jury_declare"), {"candidate": candidate.pk, "reason": "My cousin owns it."})

    assert response.status_code == 302
    flag = ConflictFlag.objects.get()
    assert (flag.source, flag.detail, flag.raised_by) == ("declared", "My cousin owns it.", juror.user)
    assert client.get(reverse("awards_jury_score", args=[round.pk, candidate.pk])).status_code == 404


def test_declaration_without_a_reason_is_refused_next_to_the_field(client, juror, candidate):
    client.force_login(juror.user)
    response = client.post(reverse("awards_jury_declare"), {"candidate": candidate.pk, "reason": "  "})
    assert response.status_code == 400
    assert response.context["declaration_form"].errors["reason"]
    assert not ConflictFlag.objects.exists()


def test_declaration_on_a_candidate_of_another_edition_is_refused(client, juror):
    elsewhere = AwardCandidateFactory(category=AwardCategoryFactory(expo=ExpoFactory(year=2025, is_current=False)))
    assert elsewhere.category.expo_id != juror.expo_id
    client.force_login(juror.user)
    response = client.post(reverse("awards_jury_declare"), {"candidate": elsewhere.pk, "reason": "Why not."})
    assert response.status_code == 400
    assert response.context["declaration_form"].errors["candidate"]
    assert not ConflictFlag.objects.exists()


# --- Clearing a flag --------------------------------------------------------------------------------------------


@pytest.fixture
def flag(juror, candidate, chamber):
    MembershipFactory(trade_body=chamber, user=juror.user)
    return jury.conflicts_refresh(jurors=[juror], candidates=[candidate])[0]


def _clear(client, flag, reason=None):
    data = {"action": "clear_selected", "_selected_action": [flag.pk]}
    if reason is not None:
        data.update(confirm="yes", reason=reason)
    return client.post(reverse("admin:awards_conflictflag_changelist"), data)


def test_secretariat_clears_a_flag_with_a_reason_and_the_juror_may_then_score(client, flag, juror, candidate, round):
    secretariat = staff_member(roles.AWARDS_SECRETARIAT)
    client.force_login(secretariat)

    page = _clear(client, flag)
    assert page.status_code == 200
    assert b"chosen-flags" in page.content
    refused = _clear(client, flag, reason="")
    assert refused.status_code == 200
    assert refused.context["form"].errors["reason"]
    flag.refresh_from_db()
    assert flag.is_active

    assert _clear(client, flag, reason="Membership ended before the expo.").status_code == 302
    flag.refresh_from_db()
    assert (flag.cleared_by, flag.clear_reason) == (secretariat, "Membership ended before the expo.")
    assert flag.history.count() == 2  # raised, then cleared

    assign(juror, candidate, round)
    client.force_login(juror.user)
    assert client.get(reverse("awards_jury_score", args=[round.pk, candidate.pk])).status_code == 200


def test_staff_without_the_permission_cannot_clear(client, flag):
    from django.contrib.auth.models import Permission

    viewer = staff_member()
    viewer.user_permissions.add(Permission.objects.get(codename="view_conflictflag"))
    client.force_login(viewer)
    response = _clear(client, flag, reason="I say so.")
    assert response.status_code in (200, 302)
    flag.refresh_from_db()
    assert flag.is_active
    with pytest.raises(AwardsError):
        jury.conflict_clear(flag=flag, reason="I say so.", by=viewer)


def test_staff_without_an_authenticator_is_refused_the_flags(client, flag):
    secretariat = staff_member(roles.AWARDS_SECRETARIAT)
    secretariat.authenticator_set.all().delete()
    client.force_login(secretariat)
    response = _clear(client, flag, reason="Fine.")
    assert response.status_code == 302
    assert reverse("mfa_activate_totp") in response.url
    flag.refresh_from_db()
    assert flag.is_active


def test_flags_and_clearances_export_as_csv_with_formulas_neutralised(client, flag, expo, round, candidate):
    declarer = juror_with_account(expo, round=round, name="Bilal Ahmed")
    jury.conflict_declare(juror=declarer, candidate=candidate, reason="=HYPERLINK(1)", by=declarer.user)
    secretariat = staff_member(roles.AWARDS_SECRETARIAT)
    jury.conflict_clear(flag=flag, reason="Left the chamber.", by=secretariat)
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:awards_conflictflag_changelist"),
        {"action": "export_csv", "_selected_action": list(ConflictFlag.objects.values_list("pk", flat=True))},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Juror"
    assert len(rows) == 3
    declared = next(row for row in rows if row[0] == "Bilal Ahmed")
    assert declared[5] == "'=HYPERLINK(1)"
    cleared = next(row for row in rows if row[0] != "Bilal Ahmed" and row is not rows[0])
    assert cleared[9:] == [secretariat.email, "Left the chamber."]
    xlsx = client.post(
        reverse("admin:awards_conflictflag_changelist"),
        {"action": "export_xlsx", "_selected_action": [flag.pk]},
    )
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_candidates_own_organisations_never_see_flags(client, flag, exhibitor_member, chamber_member):
    for user in (exhibitor_member, chamber_member):
        client.force_login(user)
        assert client.get(reverse("admin:awards_conflictflag_changelist")).status_code == 302
        assert client.get(reverse("awards_jury")).status_code == 404
    assert Candidate.objects.count() == 1


def test_finding_conflicts_reads_as_many_queries_for_many_jurors_and_candidates(expo, round, category, candidate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from awards.jury_selectors import conflicts_detect
    from tests.factories import ExhibitorFactory

    def queries(jurors, candidates) -> int:
        with CaptureQueriesContext(connection) as captured:
            conflicts_detect(jurors=jurors, candidates=candidates)
        return len(captured)

    one = queries([juror_with_account(expo, round=round)], [candidate])
    jurors = [juror_with_account(expo, round=round, enterprise=EnterpriseFactory()) for _ in range(4)]
    candidates = [
        AwardCandidateFactory(category=category, exhibitor=ExhibitorFactory(nomination__expo=expo)) for _ in range(4)
    ]
    for candidate_ in candidates:
        ExhibitorParticipantFactory(exhibitor=candidate_.exhibitor)
    assert queries(jurors, [candidate, *candidates]) == one


def test_an_inactive_juror_is_refused_their_candidates(client, juror, candidate, round):
    assign(juror, candidate, round)
    juror.is_active = False
    juror.save()
    client.force_login(juror.user)
    assert client.get(reverse("awards_jury_score", args=[round.pk, candidate.pk])).status_code == 404
