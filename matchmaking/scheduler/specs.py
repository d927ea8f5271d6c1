"""The scheduler's inputs and outputs, the reasons it gives, and the constants that bound its work."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

Id = int | str  # ids are the caller's own: primary keys, or the strings of a JSON file

# Budget of the improvement phase, in units of work (candidate slots examined), per request:
# deterministic, unlike a wall-clock limit, so the same input always gives the same schedule.
WORK_PER_REQUEST = 400
# How deep an augmenting chain of moves goes (the meeting placed, then each one it displaces).
CHAIN_DEPTH = 1


def gettext_noop(message: str) -> str:
    """Marks a message for the portal's translation files; this pure code keeps it in English."""
    return message


@dataclass(frozen=True)
class Slot:
    id: Id
    start: datetime  # timezone-aware; slots that overlap in time are "the same time"
    end: datetime


@dataclass(frozen=True)
class Participant:
    id: Id
    available: tuple[Id, ...]  # slot ids


@dataclass(frozen=True)
class Request:
    id: Id
    a: Id  # participant ids: the two who meet
    b: Id
    weight: int  # must meet = 3, would like = 2, if time = 1 (any positive integer)
    at_stall: bool = False  # held at the exhibitor's stall: uses no table


@dataclass(frozen=True)
class Locked:
    """A meeting fixed by staff: kept exactly. ``table`` is None for a meeting at the stall, and only then."""

    request: Id
    slot: Id
    table: Id | None


@dataclass(frozen=True)
class Instance:
    slots: tuple[Slot, ...]
    tables: tuple[Id, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...]  # accepted requests
    locked: tuple[Locked, ...] = ()


@dataclass(frozen=True)
class Meeting:
    request: Id
    slot: Id
    table: Id | None  # None for a meeting at the stall


# What each reason code says; ``params`` fill the placeholders. Kept apart from the code so that the
# portal shows the sentence in the reader's language (``describe(reason, gettext)``).
MESSAGES: Mapping[str, str] = {
    "no_common_time": gettext_noop("%(a)s and %(b)s are never here at the same time."),
    "participant_full": gettext_noop(
        "%(who)s already has %(meetings)s meetings in the %(slots)s slots when %(other)s is also here (%(days)s)."
    ),
    "never_free_together": gettext_noop(
        "Of the %(slots)s slots when both are here, %(a)s is busy in %(a_busy)s, %(b)s in %(b_busy)s "
        "and every table is taken in %(no_table)s: no slot is left."
    ),
    "no_table": gettext_noop("In each of the %(slots)s slots when both are free, every table is taken."),
}

# Errors in the input. ``record`` names the offending record, e.g. "requests[3] (id r17)".
ERRORS: Mapping[str, str] = {
    "duplicate_id": gettext_noop("%(record)s: the id %(id)s is used twice."),
    "unknown_id": gettext_noop("%(record)s: unknown %(kind)s %(id)s."),
    "same_participant": gettext_noop("%(record)s: a participant cannot meet themselves."),
    "bad_weight": gettext_noop("%(record)s: the weight must be a positive whole number, not %(value)s."),
    "bad_slot_times": gettext_noop("%(record)s: the slot must end after it starts."),
    "naive_time": gettext_noop("%(record)s: the start and end need a time zone offset."),
    "locked_twice": gettext_noop("%(record)s: request %(id)s is fixed twice."),
    "locked_unavailable": gettext_noop("%(record)s: %(who)s is not available in slot %(slot)s."),
    "locked_clash": gettext_noop("%(record)s: %(who)s already has meeting %(other)s at that time."),
    "locked_table_clash": gettext_noop("%(record)s: table %(table)s is already taken by meeting %(other)s then."),
    "locked_stall_table": gettext_noop("%(record)s: a meeting at the stall takes no table."),
    "locked_needs_table": gettext_noop("%(record)s: a meeting at a table needs its table."),
    "not_json": gettext_noop("The file is not JSON: %(problem)s"),
    "missing_field": gettext_noop("%(record)s: the field %(field)s is missing."),
    "not_a_list": gettext_noop("%(record)s: %(field)s must be a list."),
    "not_an_object": gettext_noop("%(record)s: each record must be an object with named fields."),
    "bad_id": gettext_noop("%(record)s: %(field)s must be a text or a whole number."),
    "bad_datetime": gettext_noop("%(record)s: %(field)s must be an ISO date and time, not %(value)s."),
    "bad_bool": gettext_noop("%(record)s: %(field)s must be true or false."),
}


def _render(message: str, params: Mapping[str, object], translate: Callable[[str], str]) -> str:
    return translate(message) % {key: _text(value) for key, value in params.items()}


def _text(value: object) -> object:
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


@dataclass(frozen=True)
class Reason:
    """Why a request was not scheduled: a code from ``MESSAGES`` and the numbers behind it."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def describe(self, translate: Callable[[str], str] = gettext_noop) -> str:
        return _render(MESSAGES[self.code], self.params, translate)


@dataclass(frozen=True)
class Unscheduled:
    request: Id
    reason: Reason


class ScheduleInputError(ValueError):
    """The input breaks a rule; ``code`` is a key of ``ERRORS``, ``params`` name the record."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.describe())

    def describe(self, translate: Callable[[str], str] = gettext_noop) -> str:
        return _render(ERRORS[self.code], self.params, translate)


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]  # the locked ones included, in the order of the requests
    value: int  # total weight of ``meetings``
    bound: int  # upper bound on ``value`` for any schedule: the LP relaxation of ``bound.py``, rounded down
    unscheduled: tuple[Unscheduled, ...]  # in the order of the requests
    idle_gaps: int  # free slots between a person's first and last meeting of a day, summed over people and days
    greedy_value: int  # the weight-ordered first-fit pass alone, for comparison
    work: int  # units of work the improvement used (deterministic)
