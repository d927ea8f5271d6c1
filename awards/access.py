"""Who may open what of the awards outside the admin: the one place every awards view asks.

A trade body sees and puts forward only the exhibitors it nominated; an exhibitor sees only its own
candidacies; evidence files open only for the awards secretariat and for the jurors assigned the candidate
who are not flagged as conflicted. Everything else is a 404, exactly like a record that does not exist.
Staff and jurors pass ``expo.staff.staff_access``: their permission and an authenticator. A juror reaches only
the candidates assigned to them that they have no open conflict flag with: a flagged candidate is a 404 on its
scoring page and its evidence, as if it did not exist.
"""

from django.db.models import F
from django.http import Http404

from exhibitors import selectors as exhibitor_selectors
from exhibitors.models import Exhibitor
from expo import selectors as core_selectors
from expo.models import Expo, TradeBody, User
from expo.staff import staff_access

from .models import Assignment, Candidate, ConflictFlag, EvidenceFile, Juror

JURORS = "Jurors"  # the group ``0002_grant_awards_permissions`` makes: its members score their candidates
SECRETARIAT_PERMISSION = "awards.view_candidate"
JUROR_PERMISSION = "awards.score_candidates"


def trade_body_for_member(user: User, pk: int) -> TradeBody:
    return core_selectors.trade_body_for_user(user, pk)


def exhibitor_for_member(user: User, pk: int) -> Exhibitor:
    return exhibitor_selectors.exhibitor_for_user(user, pk)


def exhibitor_of_trade_body(*, trade_body: TradeBody, expo: Expo | None, pk: int) -> Exhibitor:
    """The exhibitor ``pk`` if ``trade_body`` nominated it for ``expo``; a 404 otherwise."""
    exhibitor = (
        Exhibitor.objects.filter(pk=pk, trade_body=trade_body, expo=expo)
        .select_related("expo", "cluster", "nomination")
        .first()
    )
    if exhibitor is None:
        raise Http404
    return exhibitor


def _is_secretariat(user: User) -> bool:
    """Whether ``user`` holds the secretariat's permission; holders without an authenticator are refused here."""
    if not (user.is_authenticated and user.has_perm(SECRETARIAT_PERMISSION)):
        return False
    staff_access(user, SECRETARIAT_PERMISSION)
    return True


def candidates_visible_to(user: User):
    """The candidacies ``user`` may see as a member of an organisation: its exhibitors' or its own."""
    if not user.is_authenticated:
        return Candidate.objects.none()
    trade_bodies = core_selectors.trade_bodies_for_user(user)
    return Candidate.objects.filter(exhibitor__trade_body__in=trade_bodies) | Candidate.objects.filter(
        exhibitor__exhibitormembership__user=user
    )


def candidate_for_user(user: User, pk: int) -> Candidate:
    """The candidate ``pk`` for its exhibitor's members, its exhibitor's trade body and the secretariat."""
    if not _is_secretariat(user) and not candidates_visible_to(user).filter(pk=pk).exists():
        raise Http404
    return Candidate.objects.select_related("category__expo", "exhibitor").get(pk=pk)


def may_open_evidence(user: User, candidate: Candidate) -> bool:
    """Whether ``user`` may open ``candidate``'s evidence files (see ``evidence_for_user``)."""
    if not user.is_authenticated:
        return False
    if user.has_perm(SECRETARIAT_PERMISSION):
        return True
    if not user.has_perm(JUROR_PERMISSION):
        return False
    assigned = Assignment.objects.filter(candidate=candidate, juror__members=user, juror__is_active=True)
    conflicted = ConflictFlag.objects.filter(candidate=candidate, juror__members=user, cleared_at__isnull=True)
    return assigned.exists() and not conflicted.exists()


def evidence_for_user(user: User, pk: int) -> EvidenceFile:
    """The evidence file ``pk`` for the secretariat and for a juror assigned its candidate without an open conflict
    flag; a 404 for anyone else, the candidate's own organisations included (they sent it; it is served to judges)."""
    evidence = EvidenceFile.objects.filter(pk=pk).select_related("candidate").first()
    if evidence is None or not may_open_evidence(user, evidence.candidate):
        raise Http404
    staff_access(user, SECRETARIAT_PERMISSION if user.has_perm(SECRETARIAT_PERMISSION) else JUROR_PERMISSION)
    return evidence


def jurors_for_user(user: User):
    """The active juror profiles of ``user``, who must hold the jurors' permission and have an authenticator."""
    staff_access(user, JUROR_PERMISSION)
    return Juror.objects.filter(members=user, is_active=True).select_related("expo")


def _conflicted(assignment: Assignment) -> bool:
    return ConflictFlag.objects.filter(
        juror_id=assignment.juror_id, candidate_id=assignment.candidate_id, cleared_at__isnull=True
    ).exists()


def assignment_for_juror(user: User, *, round_pk: int, candidate_pk: int) -> Assignment:
    """The assignment of candidate ``candidate_pk`` in round ``round_pk`` to ``user`` as a juror, unless they have an
    open conflict flag with the candidate; a 404 otherwise."""
    staff_access(user, JUROR_PERMISSION)
    assignment = (
        Assignment.objects.filter(
            round_id=round_pk, candidate_id=candidate_pk, juror__members=user, juror__is_active=True
        )
        .select_related("round__category__expo", "juror", "candidate__exhibitor")
        .first()
    )
    if assignment is None or _conflicted(assignment):
        raise Http404
    return assignment


def current_assignment_for_juror(user: User, candidate_pk: int) -> Assignment:
    """The assignment a juror scanning the candidate's stall sign means: the candidate's round still open (the
    latest when several are), or the latest closed one; a 404 when none is theirs or they are conflicted."""
    staff_access(user, JUROR_PERMISSION)
    assignments = Assignment.objects.filter(
        candidate_id=candidate_pk, juror__members=user, juror__is_active=True
    ).order_by(F("round__closed_at").desc(nulls_first=True), "-round__order", "-round_id")
    assignment = assignments.first()
    if assignment is None or _conflicted(assignment):
        raise Http404
    return assignment
