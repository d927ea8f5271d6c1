"""Schedule the meetings of a JSON file and write the schedule as JSON: no database involved.

    manage.py schedule_meetings IN.json --output OUT.json

The format is described in ``matchmaking.scheduler.jsonio`` and the README. Input that breaks a
rule stops the command with a message naming the record, and no output file is written.
"""

import json
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from matchmaking import scheduler
from matchmaking.scheduler.jsonio import instance_from_json, schedule_to_json


class Command(BaseCommand):
    help = "Place accepted meeting requests into slots and at tables: reads IN.json, writes OUT.json."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="The instance: slots, tables, participants, requests, locked.")
        parser.add_argument("--output", type=Path, required=True, help="Where to write the schedule.")

    def handle(self, *args, input: Path, output: Path, **options):
        try:
            text = input.read_bytes()
        except OSError as error:
            raise CommandError(gettext("Cannot read %(path)s: %(error)s") % {"path": input, "error": error}) from None
        try:
            result = scheduler.schedule(instance_from_json(text))
        except scheduler.ScheduleInputError as error:
            raise CommandError(error.describe(gettext)) from None
        _write_atomically(output, json.dumps(schedule_to_json(result, gettext), ensure_ascii=False, indent=1))
        self.stdout.write(
            gettext("%(meetings)s meetings, value %(value)s of at most %(bound)s; %(left)s requests not scheduled.")
            % {
                "meetings": len(result.meetings),
                "value": result.value,
                "bound": result.bound,
                "left": len(result.unscheduled),
            }
        )


def _write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a reader never sees half a schedule."""
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
