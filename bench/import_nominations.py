"""Time and peak memory of importing a 1,000-row nomination spreadsheet (CSV and XLSX), on PostgreSQL.

    .venv/bin/python bench/import_nominations.py [--rows 1000]

It starts a throwaway PostgreSQL (as bench/run.py does), migrates it, loads the demo data, then,
in a child process, builds a file of --rows valid rows from the downloadable template's example
row, and runs the check (the preview) and the import (the confirmation) as the upload page does.
It prints, for each format, the seconds of each phase and the peak of traced Python memory and
of the process's resident memory, and stops PostgreSQL by its process id.
"""

import argparse
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(rows: int) -> dict:
    import django

    django.setup()
    import tablib

    from exhibitors import resources
    from exhibitors.models import Nomination, TradeBodyQuota
    from expo.models import Expo, TradeBody, TradeBodyMembership, User

    expo = Expo.objects.get(is_current=True)
    figures = {}
    for number, extension in enumerate(["csv", "xlsx"]):
        trade_body = TradeBody.objects.order_by("pk")[number]
        TradeBodyQuota.objects.update_or_create(expo=expo, trade_body=trade_body, defaults={"limit": rows + 100})
        user = User.objects.create_user(email=f"importer-{extension}@bench.local", password=None)
        TradeBodyMembership.objects.create(trade_body=trade_body, user=user)
        example = resources._example_row()
        dataset = tablib.Dataset(headers=resources.COLUMNS)
        for row in range(rows):
            values = dict(zip(resources.COLUMNS, example, strict=True))
            values["legal_name"] = f"Import {extension} {row:04d} (Pvt) Ltd"
            values["ntn"] = ""
            dataset.append([values[column] for column in resources.COLUMNS])
        content = dataset.export(extension)
        content = content.encode("utf-8-sig") if isinstance(content, str) else content

        tracemalloc.start()
        started = time.perf_counter()
        parsed, row_numbers = resources.read_spreadsheet(content, extension)
        parsed_at = time.perf_counter()
        preview = resources.nominations_import(
            dataset=parsed, row_numbers=row_numbers, expo=expo, trade_body=trade_body, user=user, confirm=False
        )
        checked_at = time.perf_counter()
        report = resources.nominations_import(
            dataset=parsed, row_numbers=row_numbers, expo=expo, trade_body=trade_body, user=user, confirm=True
        )
        imported_at = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        imported = Nomination.objects.filter(trade_body=trade_body, legal_name__startswith="Import ").count()
        if not (preview.ok and report.ok and imported == rows):
            raise RuntimeError(f"the benchmark file did not import whole: {preview.file_problems} {imported}")
        figures[extension] = {
            "rows": rows,
            "file_kb": round(len(content) / 1024),
            "parse_s": round(parsed_at - started, 2),
            "check_s": round(checked_at - parsed_at, 2),
            "import_s": round(imported_at - checked_at, 2),
            "traced_peak_mb": round(peak / 2**20, 1),
        }
    figures["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> int:
    from bench.run import Postgres, log, manage

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="expo-bench-import-"))
    postgres = None
    try:
        postgres = Postgres(workdir)
        postgres.start()
        env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
        env |= {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": postgres.url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "EXPO_VAR_DIR": str(workdir / "var"),
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        log(f"importing {arguments.rows} rows as CSV and as XLSX")
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(arguments.rows)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(int(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
