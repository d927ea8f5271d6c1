"""Time and peak memory of importing a 1,000-row nomination spreadsheet (CSV and XLSX), on PostgreSQL.

    .venv/bin/python bench/import_nominations.py [--rows 1000] [--baseline-rows 50] [--profile]

It starts a throwaway PostgreSQL (as bench/run.py does), migrates it, loads the demo data, then,
in a child process, builds a file of --rows valid rows from the downloadable template's example
row and takes it the way the upload page does: read the file, keep it and run the check's Celery
task, then confirm and run the import's task (tasks run in-process, as with no broker). It prints,
for each format, the seconds of each phase, the milliseconds per row of the whole, and the peak
of traced Python memory and of the process's resident memory. The baseline, measured in the same
run, is the web form's path (``nomination_create``, ``nomination_update``, ``nomination_submit``)
for --baseline-rows nominations: the import's cost per row is given as a ratio to it. With
--profile, the import's phase of the CSV file is profiled (cProfile) and its top functions printed
to stderr. PostgreSQL is stopped by its process id.
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


def _example(resources, label: str, number: int) -> dict:
    values = dict(zip(resources.COLUMNS, resources._example_row(), strict=True))
    values["legal_name"] = f"Import {label} {number:04d} (Pvt) Ltd"
    values["ntn"] = ""
    return values


def _importer(expo, number: int, label: str, quota: int):
    from exhibitors.models import TradeBodyQuota
    from expo.models import TradeBody, TradeBodyMembership, User

    trade_body = TradeBody.objects.order_by("pk")[number]
    TradeBodyQuota.objects.update_or_create(expo=expo, trade_body=trade_body, defaults={"limit": quota})
    user = User.objects.create_user(email=f"importer-{label}@bench.local", password=None)
    TradeBodyMembership.objects.create(trade_body=trade_body, user=user)
    return trade_body, user


def baseline(expo, rows: int) -> float:
    """Milliseconds per nomination through the web form's services, one after another."""
    from exhibitors import resources, services
    from exhibitors.models import Nomination
    from expo.models import Cluster

    trade_body, user = _importer(expo, 2, "form", rows + 100)
    cluster = Cluster.objects.order_by("name").first()
    started = time.perf_counter()
    for number in range(rows):
        values = _example(resources, "form", number)
        data = {column: values[column] for column in resources.MODEL_COLUMNS}
        data |= {"cluster": cluster, "women_led": True, "legal_form": "private_limited", "turnover_band": "30-75"}
        nomination = services.nomination_create(expo=expo, trade_body=trade_body, user=user, data=data)
        products = [{"id": None, "name": "Forceps", "description": "", "hs_code": "", "photo": None}]
        services.nomination_update(
            nomination=nomination, step=Nomination.Step.JUSTIFICATION, data={}, products=products
        )
        services.nomination_submit(nomination=nomination, user=user)
    return (time.perf_counter() - started) * 1000 / rows


def child(rows: int, baseline_rows: int, profile: bool) -> dict:
    import django

    django.setup()
    import cProfile
    import pstats

    import tablib

    from exhibitors import resources
    from exhibitors.models import Nomination
    from expo.models import Expo

    expo = Expo.objects.get(is_current=True)
    form_ms = baseline(expo, baseline_rows)
    figures = {"form_ms_per_row": round(form_ms, 1)}
    for number, extension in enumerate(["csv", "xlsx"]):
        trade_body, user = _importer(expo, number, extension, rows + 100)
        dataset = tablib.Dataset(headers=resources.COLUMNS)
        for row in range(rows):
            values = _example(resources, extension, row)
            dataset.append([values[column] for column in resources.COLUMNS])
        content = dataset.export(extension)
        content = content.encode("utf-8-sig") if isinstance(content, str) else content

        tracemalloc.start()
        started = time.perf_counter()
        # What the upload page does: read the file (the form), keep it and queue the check (run on commit).
        _dataset, row_numbers = resources.read_spreadsheet(content, extension)
        parsed_at = time.perf_counter()
        upload = resources.nomination_import_start(
            expo=expo, trade_body=trade_body, user=user, content=content, extension=extension, rows=len(row_numbers)
        )
        checked_at = time.perf_counter()
        upload.refresh_from_db()
        profiler = cProfile.Profile() if profile and extension == "csv" else None
        if profiler:
            profiler.enable()
        resources.nomination_import_confirm(nomination_import=upload)
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        imported_at = time.perf_counter()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        upload.refresh_from_db()
        imported = Nomination.objects.filter(trade_body=trade_body, legal_name__startswith="Import ").count()
        if not (upload.status == "imported" and imported == rows):
            raise RuntimeError(f"the benchmark file did not import whole: {upload.status} {upload.report} {imported}")
        per_row = (imported_at - started) * 1000 / rows
        figures[extension] = {
            "rows": rows,
            "file_kb": round(len(content) / 1024),
            "parse_s": round(parsed_at - started, 2),
            "check_s": round(checked_at - parsed_at, 2),
            "import_s": round(imported_at - checked_at, 2),
            "total_s": round(imported_at - started, 2),
            "ms_per_row": round(per_row, 1),
            "ratio_to_form": round(per_row / form_ms, 3),
            "traced_peak_mb": round(peak / 2**20, 1),
        }
    figures["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return figures


def main() -> int:
    from bench.run import Postgres, log, manage

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--baseline-rows", type=int, default=50, help="nominations made through the form's services")
    parser.add_argument("--profile", action="store_true", help="print the import's top functions (cProfile)")
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
            [
                sys.executable,
                __file__,
                "--child",
                json.dumps([arguments.rows, arguments.baseline_rows, arguments.profile]),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        if arguments.profile:
            print(done.stderr, file=sys.stderr)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(*json.loads(sys.argv[2]))))
        sys.exit(0)
    sys.exit(main())
