"""The scheduler's JSON file format, read into an ``Instance`` and written from a ``Schedule``.

In: ``{"slots": [{"id", "start", "end"}], "tables": [id, ...], "participants": [{"id", "available":
[slot ids]}], "requests": [{"id", "a", "b", "weight", "at_stall"}], "locked": [{"request", "slot",
"table"}]}``; ids are texts or whole numbers, times ISO 8601 with an offset, ``at_stall`` and
``locked`` optional. Out: ``{"meetings": [{"request", "slot", "table"}], "value", "bound",
"unscheduled": [{"request", "code", "details", "reason"}], "greedy_value", "idle_gaps"}``.
"""

import json
from collections.abc import Callable, Mapping
from datetime import datetime

from .specs import Instance, Locked, Participant, Request, Schedule, ScheduleInputError, Slot, gettext_noop


def _field(record: str, data: object, name: str, default: object = ...) -> object:
    if not isinstance(data, dict):
        raise ScheduleInputError("not_an_object", record=record)
    if name not in data:
        if default is not ...:
            return default
        raise ScheduleInputError("missing_field", record=record, field=name)
    return data[name]


def _list(record: str, data: object, name: str, default: object = ...) -> list:
    value = _field(record, data, name, default)
    if not isinstance(value, list):
        raise ScheduleInputError("not_a_list", record=record, field=name)
    return value


def _id(record: str, value: object, name: str):
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ScheduleInputError("bad_id", record=record, field=name)
    return value


def _datetime(record: str, value: object, name: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScheduleInputError("bad_datetime", record=record, field=name, value=json.dumps(value)) from None


def _named(kind: str, n: int, item: object) -> str:
    id_ = item.get("id") if isinstance(item, dict) else None
    return f"{kind}[{n}]" + (f" (id {id_})" if id_ is not None else "")


def instance_from_json(text: str | bytes) -> Instance:
    """The instance in ``text``; ``ScheduleInputError`` naming the first record that is wrong."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ScheduleInputError("not_json", problem=str(error)) from None
    slots = []
    for n, item in enumerate(_list("the file", data, "slots")):
        record = _named("slots", n, item)
        slots.append(
            Slot(
                _id(record, _field(record, item, "id"), "id"),
                _datetime(record, _field(record, item, "start"), "start"),
                _datetime(record, _field(record, item, "end"), "end"),
            )
        )
    tables = tuple(_id(f"tables[{n}]", t, "id") for n, t in enumerate(_list("the file", data, "tables")))
    participants = []
    for n, item in enumerate(_list("the file", data, "participants")):
        record = _named("participants", n, item)
        available = tuple(_id(record, s, "available") for s in _list(record, item, "available"))
        participants.append(Participant(_id(record, _field(record, item, "id"), "id"), available))
    requests = []
    for n, item in enumerate(_list("the file", data, "requests")):
        record = _named("requests", n, item)
        at_stall = _field(record, item, "at_stall", False)
        if not isinstance(at_stall, bool):
            raise ScheduleInputError("bad_bool", record=record, field="at_stall")
        requests.append(
            Request(
                _id(record, _field(record, item, "id"), "id"),
                _id(record, _field(record, item, "a"), "a"),
                _id(record, _field(record, item, "b"), "b"),
                _field(record, item, "weight"),  # checked with the rest of the rules by ``Model``
                at_stall,
            )
        )
    locked = []
    for n, item in enumerate(_list("the file", data, "locked", [])):
        record = f"locked[{n}]"
        table = _field(record, item, "table", None)
        locked.append(
            Locked(
                _id(record, _field(record, item, "request"), "request"),
                _id(record, _field(record, item, "slot"), "slot"),
                None if table is None else _id(record, table, "table"),
            )
        )
    return Instance(tuple(slots), tables, tuple(participants), tuple(requests), tuple(locked))


def instance_to_json(instance: Instance) -> dict:
    """The plain-data form of ``instance``, as ``instance_from_json`` reads it."""
    return {
        "slots": [{"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in instance.slots],
        "tables": list(instance.tables),
        "participants": [{"id": p.id, "available": list(p.available)} for p in instance.participants],
        "requests": [
            {"id": r.id, "a": r.a, "b": r.b, "weight": r.weight, "at_stall": r.at_stall} for r in instance.requests
        ],
        "locked": [{"request": m.request, "slot": m.slot, "table": m.table} for m in instance.locked],
    }


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def schedule_to_json(result: Schedule, translate: Callable[[str], str] = gettext_noop) -> Mapping:
    """The plain-data form of ``result``, each reason written out with ``translate``."""
    return {
        "meetings": [{"request": m.request, "slot": m.slot, "table": m.table} for m in result.meetings],
        "value": result.value,
        "bound": result.bound,
        "unscheduled": [
            {
                "request": u.request,
                "code": u.reason.code,
                "details": {key: _plain(value) for key, value in u.reason.params.items()},
                "reason": u.reason.describe(translate),
            }
            for u in result.unscheduled
        ],
        "greedy_value": result.greedy_value,
        "idle_gaps": result.idle_gaps,
    }
