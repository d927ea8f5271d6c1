"""``manage.py schedule_meetings IN.json --output OUT.json``: the scheduler run from outside, no database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matchmaking.instances import expo_instance
from matchmaking.scheduler import Meeting, check_hard_rules
from matchmaking.scheduler.jsonio import instance_from_json, instance_to_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(instance_to_json(expo_instance(300, seed=2, locked=4))))
    return path


def test_command_writes_a_schedule_that_keeps_the_rules(instance_file, tmp_path):
    out = tmp_path / "out.json"
    call_command("schedule_meetings", str(instance_file), "--output", str(out))

    instance = instance_from_json(instance_file.read_text())
    result = json.loads(out.read_text())
    meetings = [Meeting(m["request"], m["slot"], m["table"]) for m in result["meetings"]]
    assert check_hard_rules(instance, meetings) == []
    weights = {r.id: r.weight for r in instance.requests}
    assert result["value"] == sum(weights[m.request] for m in meetings)
    assert result["greedy_value"] <= result["value"] <= result["bound"]
    left = result["unscheduled"]
    assert sorted([m.request for m in meetings] + [u["request"] for u in left]) == sorted(weights)
    assert left, "this instance has more requests than room"
    for entry in left:
        assert set(entry) == {"request", "code", "details", "reason"}
        assert entry["code"] in {"no_common_time", "participant_full", "never_free_together", "no_table"}
        assert entry["reason"].endswith(".")
        for value in entry["details"].values():
            assert str(value if not isinstance(value, list) else value[0]) in entry["reason"]


def _bad(instance_file: Path, change) -> Path:
    data = json.loads(instance_file.read_text())
    change(data)
    instance_file.write_text(json.dumps(data))
    return instance_file


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["requests"][5].update(b="E9999"),
            "requests[5] (id R00006): unknown participant E9999.",
        ),
        (
            lambda d: d["participants"][7].update(id=d["participants"][3]["id"]),
            "participants[7] (id E0004): the id E0004 is used twice.",
        ),
        (
            lambda d: d["locked"].append(dict(d["locked"][0])),
            "locked[4] (request R00001): request R00001 is fixed twice.",
        ),
        (
            lambda d: d["locked"].append({"request": "R00002", "slot": "D9-01", "table": None}),
            "locked[4] (request R00002): unknown slot D9-01.",
        ),
    ],
)
def test_command_refuses_bad_input_naming_the_record_and_writes_nothing(instance_file, tmp_path, change, message):
    out = tmp_path / "out.json"
    with pytest.raises(CommandError) as caught:
        call_command("schedule_meetings", str(_bad(instance_file, change)), "--output", str(out))

    assert str(caught.value) == message
    assert list(tmp_path.iterdir()) == [instance_file]


def test_command_refuses_a_fixed_meeting_that_breaks_a_rule(instance_file, tmp_path):
    data = json.loads(instance_file.read_text())
    fixed = data["locked"][0]
    request = next(r for r in data["requests"] if r["id"] == fixed["request"])
    # A second request of the same participant, fixed in the same slot.
    other = next(r for r in data["requests"] if r["id"] != request["id"] and request["a"] in (r["a"], r["b"]))
    table = None if other["at_stall"] else next(t for t in data["tables"] if t != fixed["table"])
    data["locked"].append({"request": other["id"], "slot": fixed["slot"], "table": table})
    instance_file.write_text(json.dumps(data))
    out = tmp_path / "out.json"
    out.write_text("the previous schedule")

    with pytest.raises(CommandError) as caught:
        call_command("schedule_meetings", str(instance_file), "--output", str(out))

    assert str(caught.value) == (
        f"locked[4] (request {other['id']}): {request['a']} already has meeting {request['id']} at that time."
    )
    assert out.read_text() == "the previous schedule"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.json"]


def test_command_exits_non_zero_with_the_message(tmp_path):
    bad = tmp_path / "in.json"
    bad.write_text('{"slots": [], "tables": ["T1", "T1"], "participants": [], "requests": []}')
    out = tmp_path / "out.json"

    done = subprocess.run(
        [sys.executable, "manage.py", "schedule_meetings", str(bad), "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "tables[1] (id T1): the id T1 is used twice." in done.stderr
    assert not out.exists()


def test_command_says_when_the_input_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.json"):
        call_command("schedule_meetings", str(tmp_path / "missing.json"), "--output", str(tmp_path / "out.json"))
    assert list(tmp_path.iterdir()) == []
