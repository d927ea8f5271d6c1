"""Writes of the jury: jurors invited, conflicts recorded, declared and cleared, candidates assigned, sheets scored,
rounds closed.

Conflicts: ``conflicts_refresh`` records what ``jury_selectors.conflicts_detect`` finds as flags (never deleted; a
cleared flag stays cleared), and runs before any assignment. Scores: a sheet is a draft until submitted and may be
changed until the round closes; closing the round (under a lock on the round, so that no save slips past it) locks
every sheet. The rules of a sheet are checked here only (``sheet_save``), each refusal naming its field.
"""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expo.models import User
from expo.services import invitation_create

from . import jury_selectors as selectors
from .judging import assign
from .models import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    Assignment,
    Candidate,
    ConflictFlag,
    Criterion,
    Juror,
    Round,
    Score,
    ScoreSheet,
)
from .services import AwardsError

# Scores at the ends of the scale need the juror's reasons.
COMMENT_REQUIRED = {1, 2, 9, 10}


class SheetRefused(AwardsError):
    """A score sheet the rules refuse: ``errors`` maps each form field to its message."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = dict(errors)


def juror_invite(*, juror: Juror, invited_by: User, site_url: str) -> None:
    """Email ``juror`` a one-time link to join the jury (the portal's invitation flow); on accepting, the person
    becomes a member of the juror and of the jurors' group, and signs in with an authenticator like staff."""
    with transaction.atomic():
        invitation_create(organisation=juror, email=juror.email, invited_by=invited_by, site_url=site_url)
        Juror.objects.filter(pk=juror.pk).update(invited_at=timezone.now())


def conflicts_refresh(*, jurors: Iterable[Juror], candidates: Iterable[Candidate]) -> list[ConflictFlag]:
    """Record a flag for each conflict the portal's data shows and no flag of that source records yet; returns
    the new flags. A flag staff cleared stays cleared: the same finding is not raised again."""
    found = selectors.conflicts_detect(jurors=jurors, candidates=candidates)
    if not found:
        return []
    existing = set(
        ConflictFlag.objects.filter(
            juror_id__in={juror_id for juror_id, _ in found}, candidate_id__in={c for _, c in found}
        ).values_list("juror_id", "candidate_id", "source")
    )
    new = [
        ConflictFlag(juror_id=juror_id, candidate_id=candidate_id, source=source, detail=detail)
        for (juror_id, candidate_id), sources in found.items()
        for source, detail in sources
        if (juror_id, candidate_id, source) not in existing
    ]
    # Created one by one so that the history records each flag.
    with transaction.atomic():
        for flag in new:
            flag.save()
    return new


def conflicts_refresh_round(*, round: Round) -> list[ConflictFlag]:
    return conflicts_refresh(
        jurors=selectors.round_jurors(round=round), candidates=selectors.round_candidates(round=round)
    )


def conflict_declare(*, juror: Juror, candidate: Candidate, reason: str, by: User) -> ConflictFlag:
    """The juror's own declaration of a conflict with ``candidate``, with their reason; it hides the candidate
    from them at once."""
    reason = reason.strip()
    if not reason:
        raise AwardsError(_("Say what ties you to this candidate."), field="reason")
    if candidate.category.expo_id != juror.expo_id:
        raise AwardsError(_("Choose a candidate of your edition."), field="candidate")
    with transaction.atomic():
        flag = ConflictFlag.objects.filter(
            juror=juror, candidate=candidate, source=ConflictFlag.Source.DECLARED
        ).first()
        if flag is not None and flag.is_active:
            raise AwardsError(_("You have already declared a conflict with this candidate."), field="candidate")
        if flag is None:
            flag = ConflictFlag(juror=juror, candidate=candidate, source=ConflictFlag.Source.DECLARED)
        # A declaration after a clearance raises the flag again, the history keeping both.
        flag.detail, flag.raised_by, flag.raised_at = reason, by, timezone.now()
        flag.cleared_at, flag.cleared_by, flag.clear_reason = None, None, ""
        flag.save()
    return flag


def conflict_clear(*, flag: ConflictFlag, reason: str, by: User) -> ConflictFlag:
    """Staff with the permission clear a flag, with a reason kept in its history."""
    if not by.has_perm("awards.clear_conflictflag"):
        raise AwardsError(_("You may not clear a conflict flag."))
    reason = reason.strip()
    if not reason:
        raise AwardsError(_("Give the reason for clearing the flag."), field="reason")
    with transaction.atomic():
        locked = ConflictFlag.objects.select_for_update().get(pk=flag.pk)
        if not locked.is_active:
            raise AwardsError(_("This flag is already cleared."))
        locked.cleared_at, locked.cleared_by, locked.clear_reason = timezone.now(), by, reason
        locked.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    flag.refresh_from_db()
    return flag


def _open_round(round: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.is_closed:
        raise AwardsError(_("The round is closed: its assignments and scores are locked."))
    return locked


def assignment_add(*, juror: Juror, candidate: Candidate, round: Round, by: User) -> Assignment:
    """Assign ``candidate`` to ``juror`` by hand. Refused for a juror off the round's panel, a candidate of another
    category, a closed round, and a juror in conflict with the candidate (the data is checked again first)."""
    if candidate.category_id != round.category_id:
        raise AwardsError(_("The candidate is not in this round's category."), field="candidate")
    if not round.panel.filter(juror=juror).exists():
        raise AwardsError(_("%(juror)s is not on this round's panel.") % {"juror": juror}, field="juror")
    conflicts_refresh(jurors=[juror], candidates=[candidate])
    flags = list(ConflictFlag.objects.filter(juror=juror, candidate=candidate, cleared_at__isnull=True).order_by("pk"))
    if flags:
        raise AwardsError(
            _("%(juror)s has a conflict with %(candidate)s: %(reasons)s. Clear the flag first if it is wrong.")
            % {
                "juror": juror,
                "candidate": candidate.exhibitor.name,
                "reasons": "; ".join(flag.get_source_display() for flag in flags),
            },
            field="juror",
        )
    with transaction.atomic():
        _open_round(round)
        if Assignment.objects.filter(juror=juror, candidate=candidate, round=round).exists():
            raise AwardsError(_("This juror already scores this candidate in this round."), field="juror")
        return Assignment.objects.create(
            juror=juror, candidate=candidate, round=round, method=Assignment.Method.HAND, assigned_by=by
        )


def assignments_auto(*, round: Round, by: User) -> tuple[list[Assignment], list[str]]:
    """Give each candidate of the round its k jurors from the panel (``awards.judging.assign``): conflicts found
    again first, no conflicted juror, loads balanced across the edition's open rounds, the assignments already
    made kept. Returns the new assignments and, for each candidate short of k jurors, why (in the reader's
    language). An assignment to a juror since flagged, with nothing scored yet, is taken off; one with a sheet is
    kept for the record, but its candidate gets another juror in its place and the sheet no longer counts
    (``leaderboards.round_boards``), nor does the assignment weigh on its juror's load."""
    conflicts_refresh_round(round=round)
    candidates = list(selectors.round_candidates(round=round))
    jurors = list(selectors.round_jurors(round=round))
    if not jurors:
        raise AwardsError(_("%(round)s has no jurors on its panel.") % {"round": round})
    if not candidates:
        raise AwardsError(_("%(round)s has no eligible candidates in the running.") % {"round": round})
    juror_ids, candidate_ids = [j.pk for j in jurors], [c.pk for c in candidates]
    with transaction.atomic():
        locked = _open_round(round)
        conflicts = selectors.active_conflicts(juror_ids=juror_ids, candidate_ids=candidate_ids)
        existing = list(Assignment.objects.filter(round=locked).select_related("sheet").order_by("pk"))
        for assignment in existing:
            if (assignment.juror_id, assignment.candidate_id) in conflicts and not hasattr(assignment, "sheet"):
                assignment.delete()
        fixed = [
            (a.juror_id, a.candidate_id)
            for a in existing
            if a.juror_id in juror_ids
            and a.candidate_id in candidate_ids
            and (a.juror_id, a.candidate_id) not in conflicts
        ]
        prior = dict.fromkeys(juror_ids, 0)
        elsewhere = list(
            Assignment.objects.filter(juror_id__in=juror_ids, round__category__expo_id=locked.category.expo_id)
            .filter(round__closed_at__isnull=True)
            .exclude(round=locked)
            .values_list("juror_id", "candidate_id")
        )
        # A juror flagged since will not score that candidate: the assignment is no load of theirs.
        flagged = selectors.active_conflicts(juror_ids=juror_ids, candidate_ids={c for _, c in elsewhere})
        for pair in elsewhere:
            if pair not in flagged:
                prior[pair[0]] += 1
        result = assign(
            candidate_ids=candidate_ids,
            juror_ids=juror_ids,
            k=locked.jurors_per_candidate,
            conflicts=conflicts,
            prior_loads=prior,
            fixed=fixed,
        )
        kept = set(fixed)
        created = [
            Assignment.objects.create(
                juror_id=juror_id,
                candidate_id=candidate_id,
                round=locked,
                method=Assignment.Method.AUTO,
                assigned_by=by,
            )
            for juror_id, candidate_id in result.pairs
            if (juror_id, candidate_id) not in kept
        ]
    names = {c.pk: c.exhibitor.name for c in candidates}
    shortfalls = [
        _("%(candidate)s: %(reason)s") % {"candidate": names[s.candidate_id], "reason": s.reason.render(_)}
        for s in result.shortfalls
    ]
    return created, shortfalls


def sheet_errors(
    *,
    criteria: list[Criterion],
    values: Mapping[int, tuple[int | None, str]],
    abstain: bool,
    abstain_reason: str,
    submit: bool,
) -> dict[str, str]:
    """What is wrong with a sheet, by form field (``score_<criterion>``, ``comment_<criterion>``, ``abstain_reason``).

    A score is from 1 to 10; one at either end (1–2, 9–10) needs a comment; abstaining needs a reason; a sheet
    is submitted with every criterion scored, or abstained. A draft may leave scores out.
    """
    errors: dict[str, str] = {}
    if abstain:
        if not abstain_reason.strip():
            errors["abstain_reason"] = _("Say why you abstain.")
        return errors
    for criterion in criteria:
        value, comment = values.get(criterion.pk, (None, ""))
        if value is None:
            if submit:
                errors[f"score_{criterion.pk}"] = _("Score this criterion before you submit.")
            continue
        if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
            errors[f"score_{criterion.pk}"] = _("A score is from 1 to 10.")
        elif value in COMMENT_REQUIRED and not comment.strip():
            errors[f"comment_{criterion.pk}"] = _("A score of %(score)d needs a comment saying why.") % {"score": value}
    return errors


def sheet_save(
    *,
    assignment: Assignment,
    values: Mapping[int, tuple[int | None, str]],
    abstain: bool,
    abstain_reason: str,
    submit: bool,
    by: User,
) -> ScoreSheet:
    """Save the juror's sheet for ``assignment``: a draft, or submitted. ``values`` maps each criterion's id to its
    score (None: not scored yet) and comment. Refused, saving nothing, with the errors by field
    (``SheetRefused``), or once the round is closed. Each version of the sheet and its scores is kept."""
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id).order_by("order", "pk"))
    errors = sheet_errors(
        criteria=criteria, values=values, abstain=abstain, abstain_reason=abstain_reason, submit=submit
    )
    if errors:
        raise SheetRefused(errors)
    with transaction.atomic():
        _open_round(assignment.round)
        if ConflictFlag.objects.filter(
            juror_id=assignment.juror_id, candidate_id=assignment.candidate_id, cleared_at__isnull=True
        ).exists():
            raise AwardsError(_("You have a conflict with this candidate and may not score it."))
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=assignment)
        sheet.abstained = abstain
        sheet.abstain_reason = abstain_reason.strip() if abstain else ""
        if submit:
            sheet.status, sheet.submitted_at = ScoreSheet.Status.SUBMITTED, timezone.now()
        sheet.save()
        stored = {score.criterion_id: score for score in Score.objects.filter(sheet=sheet).order_by("pk")}
        for criterion in criteria:
            value, comment = values.get(criterion.pk, (None, ""))
            score = stored.get(criterion.pk)
            if abstain or value is None:
                if score is not None:
                    score.delete()
                continue
            if score is None:
                Score.objects.create(sheet=sheet, criterion=criterion, value=value, comment=comment.strip())
            elif (score.value, score.comment) != (value, comment.strip()):
                score.value, score.comment = value, comment.strip()
                score.save()
    return sheet


def round_close(*, round: Round, by: User) -> Round:
    """Close ``round``: its scores are locked from now on. Needs the permission to close rounds."""
    if not by.has_perm("awards.close_round"):
        raise AwardsError(_("You may not close a round."))
    with transaction.atomic():
        locked = _open_round(round)
        now = timezone.now()
        locked.closed_at, locked.closed_by = now, by
        locked.save(update_fields=["closed_at", "closed_by"])
        for sheet in ScoreSheet.objects.filter(assignment__round=locked, locked_at__isnull=True).order_by("pk"):
            sheet.locked_at = now
            sheet.save(update_fields=["locked_at", "updated_at"])
    round.refresh_from_db()
    return round
