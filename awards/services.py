"""Writes of the awards: candidates put forward with their evidence, eligibility checked and overridden.

Eligibility is decided by ``awards.eligibility`` (the one place the rules live) from what
``selectors.eligibility_inputs`` reads; a candidacy keeps the answer and each failing rule's reason. A trade
body or an exhibitor may put forward only an eligible exhibitor; staff may put forward anyone, see the reasons,
and override the rules with a reason that is kept (``EligibilityOverride``). When the secretariat saves a
category's rules, every candidate of the category is checked again (``category_rules_save``): a changed answer is
recorded in the candidate's history, and an override stays in force over it.
"""

import dataclasses
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from exhibitors.models import Exhibitor
from expo import images
from expo.forms import image_messages
from expo.models import Cluster, Sector, TradeBody, User
from expo.services import ExpoError

from . import eligibility, selectors
from .models import Candidate, Category, EligibilityOverride, EvidenceFile

# The reasons kept on a candidate's historical rows (in English: the history is a record, not a page).
RULES_CHANGED = "Checked again: the category's rules changed"
CHECKED_AGAIN = "Checked again by the secretariat"

MAX_EVIDENCE_FILES = 5


class AwardsError(ExpoError):
    """A write the awards' rules refuse; the message can be shown as it is. ``field`` names the form field it
    belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclasses.dataclass(frozen=True)
class Evidence:
    """An evidence file that passed the form's content checks: ``kind`` is ``pdf`` or ``image``."""

    name: str
    content: bytes
    kind: str
    extension: str


def reasons_text(reasons: list[dict]) -> list[str]:
    """The stored reasons (``Candidate.rules_reasons``) in the reader's language."""
    return [_(reason["message"]) % reason.get("params", {}) for reason in reasons]


def _stored_reasons(result: eligibility.Eligibility) -> list[dict]:
    return [
        {"code": reason.code, "message": reason.message, "params": dict(reason.params)} for reason in result.reasons
    ]


def eligibility_check(*, category: Category, exhibitor: Exhibitor) -> eligibility.Eligibility:
    rules, applicant = selectors.eligibility_inputs(category=category, exhibitor=exhibitor)
    return eligibility.check(rules, applicant)


def candidate_put_forward(
    *,
    category: Category,
    exhibitor: Exhibitor,
    route: str,
    statement: str,
    evidence: list[Evidence],
    by: User,
    trade_body: TradeBody | None = None,
) -> Candidate:
    """Put ``exhibitor`` forward for ``category`` by ``route`` (staff, its trade body, or itself).

    Refuses, saving nothing: a closed category (except for staff), an exhibitor of another edition or (by a trade
    body) of another trade body, a second candidacy in the category, a missing statement, too many files, and,
    unless staff put it forward, an exhibitor the rules make ineligible (every reason given).
    """
    statement = statement.strip()
    if not statement:
        raise AwardsError(_("Write a short statement on why the exhibitor deserves this award."), field="statement")
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise AwardsError(_("Attach at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES}, field="evidence")
    if route != Candidate.Route.STAFF and not category.candidacy_open:
        raise AwardsError(_("This category no longer takes candidates."), field="category")
    if exhibitor.expo_id != category.expo_id:
        raise AwardsError(_("The exhibitor is not at this category's edition."), field="exhibitor")
    if route == Candidate.Route.TRADE_BODY and (trade_body is None or exhibitor.trade_body_id != trade_body.pk):
        raise AwardsError(_("A trade body may put forward only the exhibitors it nominated."), field="exhibitor")
    result = eligibility_check(category=category, exhibitor=exhibitor)
    if not result.eligible and route != Candidate.Route.STAFF:
        raise AwardsError(
            _("%(exhibitor)s cannot compete for this award: %(reasons)s.")
            % {
                "exhibitor": exhibitor.name,
                "reasons": "; ".join(_(r.message) % dict(r.params) for r in result.reasons),
            },
            field="category",
        )
    now = timezone.now()
    written: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                category=category,
                exhibitor=exhibitor,
                route=route,
                trade_body=trade_body if route == Candidate.Route.TRADE_BODY else None,
                put_forward_by=by,
                statement=statement,
                rules_eligible=result.eligible,
                rules_reasons=_stored_reasons(result),
                eligibility_checked_at=now,
            )
            for item in evidence:
                _evidence_add(candidate=candidate, item=item, by=by, written=written)
    except Exception as error:
        # Nothing half-done: the files written before the refusal go with the rows that were rolled back.
        for stored in written:
            stored.file.storage.delete(stored.file.name)
        if (
            isinstance(error, IntegrityError)
            and Candidate.objects.filter(category=category, exhibitor=exhibitor).exists()
        ):
            raise AwardsError(
                _("%(exhibitor)s is already a candidate for this award.") % {"exhibitor": exhibitor.name},
                field="category",
            ) from error
        raise
    return candidate


def _evidence_add(*, candidate: Candidate, item: Evidence, by: User, written: list[EvidenceFile]) -> None:
    """Store one file and its row; ``written`` gets the file as soon as it is on disk, to delete on a rollback."""
    content = item.content
    if item.kind == EvidenceFile.Kind.IMAGE:
        # A fresh encoding of the pixels: no metadata (a phone photo's location) reaches the jurors.
        try:
            content = images.reencode(content, messages=image_messages()).content
        except images.ImageRejected as error:
            raise AwardsError(str(error), field="evidence") from error
    evidence = EvidenceFile(
        candidate=candidate, kind=item.kind, original_name=item.name[:200], size=len(content), uploaded_by=by
    )
    evidence.file.save(f"evidence.{item.extension}", ContentFile(content), save=False)
    written.append(evidence)
    evidence.save()


def candidates_eligibility_refresh(
    *, category: Category, by: User | None, reason: str, candidate_ids: set[int] | None = None
) -> list[Candidate]:
    """Check the candidates of ``category`` (those of ``candidate_ids`` only, when given) against its rules again,
    after the rules or the exhibitors changed. Returns those whose answer changed, each change kept in the history
    with ``by`` and ``reason``; an override decided by the secretariat stays in force over the new answer. A fixed
    number of queries, however many candidates."""
    now = timezone.now()
    with transaction.atomic():
        candidates = selectors.candidates_to_check(category=category, candidate_ids=candidate_ids)
        rules, applicants = selectors.eligibility_inputs_of(
            category=category, exhibitors=[candidate.exhibitor for candidate in candidates]
        )
        changed = []
        for candidate in candidates:
            result = eligibility.check(rules, applicants[candidate.exhibitor_id])
            reasons = _stored_reasons(result)
            candidate.eligibility_checked_at = now
            if (candidate.rules_eligible, candidate.rules_reasons) != (result.eligible, reasons):
                candidate.rules_eligible, candidate.rules_reasons, candidate.updated_at = result.eligible, reasons, now
                changed.append(candidate)
        changed_ids = {candidate.pk for candidate in changed}
        bulk_update_with_history(
            changed,
            Candidate,
            ["rules_eligible", "rules_reasons", "eligibility_checked_at", "updated_at"],
            default_user=by,
            default_change_reason=reason,
            default_date=now,
        )
        # An unchanged answer is no event of the candidacy's history: only the time of the check is kept.
        Candidate.objects.filter(pk__in=[c.pk for c in candidates if c.pk not in changed_ids]).update(
            eligibility_checked_at=now
        )
    return changed


def category_rules_save(
    *, category: Category, clusters: Iterable[Cluster], sectors: Iterable[Sector], by: User
) -> list[Candidate]:
    """Save ``category`` with its cluster and sector rules (the secretariat's edit in the admin), then check its
    candidates against the rules as they now are. Returns the candidates whose eligibility by the rules changed;
    each change is in their history with ``by``, and overrides stay in force."""
    with transaction.atomic():
        category.save()
        category.clusters.set(clusters)
        category.sectors.set(sectors)
        return candidates_eligibility_refresh(category=category, by=by, reason=RULES_CHANGED)


def candidate_override_eligibility(*, candidate: Candidate, eligible: bool | None, reason: str, by: User) -> Candidate:
    """Decide ``candidate``'s eligibility against the rules (``eligible`` true or false) or hand it back to the rules
    (``None``), with a reason; the decision is kept in ``EligibilityOverride``. Needs the override permission."""
    if not by.has_perm("awards.override_eligibility"):
        raise AwardsError(_("You may not override a candidate's eligibility."))
    reason = reason.strip()
    if not reason:
        raise AwardsError(_("Give the reason for overriding the rules."), field="reason")
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.override_eligible == eligible:
            raise AwardsError(_("The candidate's eligibility is already decided so."), field="eligible")
        EligibilityOverride.objects.create(candidate=locked, eligible=eligible, reason=reason, decided_by=by)
        locked.override_eligible = eligible
        locked.save(update_fields=["override_eligible", "updated_at"])
    candidate.refresh_from_db()
    return candidate


def candidate_update(*, candidate: Candidate, statement: str, status: str) -> Candidate:
    """The secretariat's edit of a candidacy: its statement, and whether it is in the running (the history keeps
    every version)."""
    statement = statement.strip()
    if not statement:
        raise AwardsError(_("Write a short statement on why the exhibitor deserves this award."), field="statement")
    if status not in Candidate.Status.values:
        raise AwardsError(_("Choose a status."), field="status")
    candidate.statement, candidate.status = statement, status
    candidate.save(update_fields=["statement", "status", "updated_at"])
    return candidate
