"""Reads of the jury: the conflicts the portal's own data shows, a juror's assignments and score sheets.

``conflicts_detect`` is the one place that says when a juror and a candidate are too close: the juror's user
is a member of the candidate's trade body; the juror and the candidate's exhibitor are the same organisation
(an email domain shared with one of the exhibitor's members, public mail services aside, or the same name); the
juror's organisation met the candidate at the B2B lounge or accepted a meeting with it; or the juror's own
enterprise is in the candidate's cluster and city.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from exhibitors.models import ExhibitorMembership
from expo.models import TradeBodyMembership, User
from matchmaking.models import Meeting, MeetingRequest, Participant

from .models import Assignment, Candidate, ConflictFlag, Criterion, EvidenceFile, Juror, Round, Score, ScoreSheet

# Shared by people of many organisations: an address there says nothing about whom its holder works for.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "outlook.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "gmx.com",
        "mail.com",
    }
)

Pair = tuple[int, int]  # (juror id, candidate id)


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def _name_key(name: str) -> str:
    """A name compared without case or spaces: "Sialkot  Surgical works" is "SialkotSurgicalWorks"."""
    return "".join(name.split()).casefold()


def _juror_emails(juror: Juror) -> set[str]:
    """The juror's invited address and those of the accounts that accepted it."""
    return {juror.email.lower(), *(user.email.lower() for user in juror.members.all())}


def conflicts_detect(*, jurors: Iterable[Juror], candidates: Iterable[Candidate]) -> dict[Pair, list[tuple[str, str]]]:
    """For each (juror, candidate) pair the data ties together: the sources (``ConflictFlag.Source``) and, for each,
    what was found, in the active language (a flag keeps it as it was written). A fixed number of queries."""
    jurors = list(
        Juror.objects.filter(pk__in=[juror.pk for juror in jurors])
        .select_related("enterprise")
        .prefetch_related(Prefetch("members", queryset=User.objects.only("pk", "email")))
    )
    candidates = list(
        Candidate.objects.filter(pk__in=[candidate.pk for candidate in candidates]).select_related(
            "exhibitor__enterprise", "exhibitor__trade_body"
        )
    )
    found: dict[Pair, list[tuple[str, str]]] = defaultdict(list)
    if not jurors or not candidates:
        return {}
    exhibitor_ids = {candidate.exhibitor_id for candidate in candidates}

    # The same trade body: a juror's account is a member of the candidate's exhibitor's trade body.
    user_jurors: dict[int, set[int]] = defaultdict(set)
    for juror in jurors:
        for user in juror.members.all():
            user_jurors[user.pk].add(juror.pk)
    bodies_of_juror: dict[int, set[int]] = defaultdict(set)
    for user_id, trade_body_id in TradeBodyMembership.objects.filter(
        user_id__in=user_jurors, trade_body_id__in={candidate.exhibitor.trade_body_id for candidate in candidates}
    ).values_list("user_id", "trade_body_id"):
        for juror_id in user_jurors[user_id]:
            bodies_of_juror[juror_id].add(trade_body_id)

    # The same organisation: the email domains of each exhibitor's members.
    domains_of_exhibitor: dict[int, set[str]] = defaultdict(set)
    for exhibitor_id, email in ExhibitorMembership.objects.filter(exhibitor_id__in=exhibitor_ids).values_list(
        "exhibitor_id", "user__email"
    ):
        domain = _domain(email)
        if domain and domain not in PUBLIC_MAIL_DOMAINS:
            domains_of_exhibitor[exhibitor_id].add(domain)

    # B2B meetings and accepted requests between the juror's organisation and the candidate.
    met = _met(jurors=jurors, exhibitor_ids=exhibitor_ids)

    for juror in jurors:
        emails = _juror_emails(juror)
        domains = {_domain(email) for email in emails} - PUBLIC_MAIL_DOMAINS - {""}
        own_name = _name_key(juror.organisation)
        for candidate in candidates:
            exhibitor = candidate.exhibitor
            pair = (juror.pk, candidate.pk)
            if exhibitor.trade_body_id in bodies_of_juror[juror.pk]:
                found[pair].append(
                    (
                        ConflictFlag.Source.TRADE_BODY,
                        _("The juror is a member of %(trade_body)s, the candidate's trade body.")
                        % {"trade_body": exhibitor.trade_body.name},
                    )
                )
            shared = sorted(domains & domains_of_exhibitor[exhibitor.pk])
            names = {_name_key(exhibitor.name), _name_key(exhibitor.enterprise.legal_name)}
            if shared:
                found[pair].append(
                    (
                        ConflictFlag.Source.ORGANISATION,
                        _("The juror's email domain %(domain)s is that of a member of the exhibitor.")
                        % {"domain": shared[0]},
                    )
                )
            elif own_name and own_name in names:
                found[pair].append(
                    (
                        ConflictFlag.Source.ORGANISATION,
                        _("The juror's organisation %(organisation)s is the exhibitor.")
                        % {"organisation": juror.organisation},
                    )
                )
            if exhibitor.pk in met[juror.pk]:
                found[pair].append(
                    (
                        ConflictFlag.Source.MEETING_OR_LEAD,
                        _("The juror's organisation has a B2B meeting or an accepted request with %(name)s.")
                        % {"name": exhibitor.name},
                    )
                )
            own = juror.enterprise
            if (
                own is not None
                and own.cluster_id == exhibitor.cluster_id
                and own.city.strip().casefold() == exhibitor.city.strip().casefold()
            ):
                found[pair].append(
                    (
                        ConflictFlag.Source.CLUSTER_CITY,
                        _("The juror's enterprise %(enterprise)s is in the same cluster and city.")
                        % {"enterprise": own.legal_name},
                    )
                )
    return dict(found)


def _met(*, jurors: list[Juror], exhibitor_ids: set[int]) -> dict[int, set[int]]:
    """For each juror, the candidates' exhibitors their organisation met: a scheduled B2B meeting or an accepted
    request, either way round. The juror's side is their own enterprise's exhibitor at the edition, or any
    participant registered with one of their email addresses (as a visitor or as a member of an exhibitor)."""
    juror_of_participant: dict[int, set[int]] = defaultdict(set)
    email_jurors: dict[str, set[int]] = defaultdict(set)
    enterprise_jurors: dict[tuple[int, int], set[int]] = defaultdict(set)
    for juror in jurors:
        for email in _juror_emails(juror):
            email_jurors[email].add(juror.pk)
        if juror.enterprise_id:
            enterprise_jurors[(juror.enterprise_id, juror.expo_id)].add(juror.pk)
    expo_ids = {juror.expo_id for juror in jurors}
    ours = Q(registration__email__in=list(email_jurors)) | Q(exhibitor__members__email__in=list(email_jurors))
    if enterprise_jurors:
        ours |= Q(exhibitor__enterprise_id__in={enterprise for enterprise, _ in enterprise_jurors})
    for participant_id, visitor_email, member_email, enterprise_id, expo_id in (
        Participant.objects.filter(ours, expo_id__in=expo_ids)
        .values_list("pk", "registration__email", "exhibitor__members__email", "exhibitor__enterprise_id", "expo_id")
        .distinct()
    ):
        for email in (visitor_email, member_email):
            if email:
                juror_of_participant[participant_id] |= email_jurors.get(email.lower(), set())
        if enterprise_id:
            juror_of_participant[participant_id] |= enterprise_jurors.get((enterprise_id, expo_id), set())
    exhibitor_of_participant = dict(
        Participant.objects.filter(exhibitor_id__in=exhibitor_ids).values_list("pk", "exhibitor_id")
    )
    met: dict[int, set[int]] = defaultdict(set)
    if not juror_of_participant or not exhibitor_of_participant:
        return met
    theirs, candidates_side = set(juror_of_participant), set(exhibitor_of_participant)
    scheduled = Meeting.objects.filter(state=Meeting.State.SCHEDULED).values("request_id")
    requests = MeetingRequest.objects.filter(
        Q(sender_id__in=theirs, receiver_id__in=candidates_side)
        | Q(sender_id__in=candidates_side, receiver_id__in=theirs)
    ).filter(Q(status=MeetingRequest.Status.ACCEPTED) | Q(pk__in=scheduled))
    for sender_id, receiver_id in requests.values_list("sender_id", "receiver_id"):
        for ours_id, other_id in ((sender_id, receiver_id), (receiver_id, sender_id)):
            if ours_id in juror_of_participant and other_id in exhibitor_of_participant:
                for juror_id in juror_of_participant[ours_id]:
                    met[juror_id].add(exhibitor_of_participant[other_id])
    return met


def active_conflicts(*, juror_ids: Iterable[int], candidate_ids: Iterable[int]) -> set[Pair]:
    """The (juror, candidate) pairs with a flag not cleared."""
    return set(
        ConflictFlag.objects.filter(
            juror_id__in=list(juror_ids), candidate_id__in=list(candidate_ids), cleared_at__isnull=True
        ).values_list("juror_id", "candidate_id")
    )


def round_candidates(*, round: Round) -> QuerySet[Candidate]:
    """The candidates a round judges: those in the running and eligible; in a final, the shortlisted ones once any
    is shortlisted."""
    candidates = Candidate.objects.filter(category_id=round.category_id, status=Candidate.Status.ACTIVE, eligible=True)
    if round.kind == Round.Kind.FINAL and candidates.filter(shortlisted_at__isnull=False).exists():
        candidates = candidates.filter(shortlisted_at__isnull=False)
    return candidates.select_related("exhibitor").order_by("pk")


def round_jurors(*, round: Round) -> QuerySet[Juror]:
    """The active jurors on the round's panel."""
    return Juror.objects.filter(panels__round=round, is_active=True).order_by("pk")


def juror_rounds(*, user: User) -> list[tuple[Round, list[Assignment]]]:
    """Each round in which ``user`` (as a juror) has candidates, with those assignments whose candidate they have
    no open conflict with, each with its sheet when there is one. Conflicted candidates are left out entirely."""
    assignments = list(
        Assignment.objects.filter(juror__members=user, juror__is_active=True)
        .select_related("round__category__expo", "candidate__exhibitor", "juror", "sheet")
        .order_by("round__category__order", "round__category__name", "round__order", "candidate__exhibitor__name")
    )
    conflicted = active_conflicts(
        juror_ids={a.juror_id for a in assignments}, candidate_ids={a.candidate_id for a in assignments}
    )
    rounds: dict[int, tuple[Round, list[Assignment]]] = {}
    for assignment in assignments:
        if (assignment.juror_id, assignment.candidate_id) in conflicted:
            continue
        rounds.setdefault(assignment.round_id, (assignment.round, []))[1].append(assignment)
    return list(rounds.values())


def scoring_page(*, assignment: Assignment) -> dict:
    """What the scoring page shows: the candidate with its profile and evidence, the rubric, and the juror's own
    sheet with its scores (never another juror's)."""
    candidate = (
        Candidate.objects.select_related("category", "exhibitor__cluster", "exhibitor__enterprise")
        .prefetch_related(Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk")))
        .get(pk=assignment.candidate_id)
    )
    criteria = list(Criterion.objects.filter(round_id=assignment.round_id).order_by("order", "pk"))
    # Ordered by key: the models' default orderings through one another loop.
    sheet = ScoreSheet.objects.filter(assignment=assignment).order_by("pk").first()
    scores = {score.criterion_id: score for score in Score.objects.filter(sheet=sheet).order_by("pk")} if sheet else {}
    return {"candidate": candidate, "criteria": criteria, "sheet": sheet, "scores": scores}


def declarable_candidates(*, user: User) -> QuerySet[Candidate]:
    """The candidates ``user`` may declare a conflict with: those of the categories whose panels they sit on, less
    those already flagged for them (hidden from them)."""
    jurors = Juror.objects.filter(members=user, is_active=True)
    flagged = ConflictFlag.objects.filter(juror__in=jurors, cleared_at__isnull=True).values("candidate_id")
    return (
        Candidate.objects.filter(category__rounds__panel__juror__in=jurors)
        .exclude(pk__in=flagged)
        .select_related("category", "exhibitor")
        .order_by("category__order", "category__name", "exhibitor__name", "pk")
        .distinct()
    )
