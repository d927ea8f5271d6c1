"""Badge PDF throughput next to bare WeasyPrint, a 2,000-badge A4 sheet, and gate code checks per second.

    .venv/bin/python bench/badge_pdfs.py [--badges 200] [--sheet 2000]

No database: badges are unsaved model instances. It measures, each in its own child process so
that peak memory is the phase's own:

1. ``single``: CPU time of WeasyPrint alone turning the already rendered badge HTML and CSS into
   an A6 PDF (bare), alternating with ``visitors.badges.badge_pdf`` (portal: template, signing, QR
   code and WeasyPrint); the portal's overhead over bare must stay under 20 %;
2. ``sheet``: ``visitors.badges.sheet_pdf`` for --sheet badges in chunks as the print task makes them;
   it must take under a minute;
3. ``verify``: ``visitors.qr.verify`` of signed codes per second, the check every gate scan starts with.

It exits with 1 when a bound is missed, and fails loudly when an A6 badge takes over 100 ms:
WeasyPrint then lacks Debian's libharfbuzz-subset0 and takes ~280 ms a badge.
"""

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLOW_PATH_MS = 100
MAX_OVERHEAD = 0.20
SHEET_SECONDS = 60


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("EXPO_VAR_DIR", tempfile.mkdtemp(prefix="bench-badges-"))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def _badges(count: int):
    from expo.models import Expo
    from visitors.models import Badge, BadgeType

    expo = Expo(
        pk=1,
        name="Made in Pakistan — SME Cluster Showcase Expo 2026",
        year=2026,
        venue="Lahore Expo Centre",
        city="Lahore",
        start_date=datetime.date(2026, 1, 24),
        end_date=datetime.date(2026, 1, 26),
    )
    kinds = list(BadgeType)
    return [
        Badge(
            expo=expo,
            number=f"B{index:07d}"[-8:]
            .replace("0", "A")
            .replace("1", "C")
            .replace("2", "D")
            .replace("5", "E")
            .replace("8", "F"),
            type=kinds[index % len(kinds)],
            full_name=f"Visitor Number {index}",
            organisation="Qureshi Exports (Pvt) Ltd",
            category="buyer",
        )
        for index in range(count)
    ]


def _cpu_ms(function) -> float:
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def phase(name: str, count: int) -> dict:
    _setup()
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from visitors import badges, keys, qr

    items = _badges(max(count, 1))
    result: dict = {"phase": name}
    if name == "single":
        # Bare and portal alternate, one badge each in turn, so that a busy machine slows both alike.
        badge = items[0]
        html = render_to_string(
            "visitors/badge.html", {"pages": [[badges._card(badge)]], "expo": badge.expo, "sheet": False}
        )
        stylesheet = badges._stylesheet()

        def bare():
            HTML(string=html, base_url=".").write_pdf(stylesheets=[stylesheet])

        def portal():
            badges.badge_pdf(badge)

        bare(), portal()  # warm-up: fonts and caches
        bare_ms, portal_ms = [], []
        for _ in range(count):
            bare_ms.append(_cpu_ms(bare))
            portal_ms.append(_cpu_ms(portal))
        result |= {
            "count": count,
            "bare_median_ms": statistics.median(bare_ms),
            "portal_median_ms": statistics.median(portal_ms),
        }
    elif name == "sheet":
        chunks = [items[start : start + 20] for start in range(0, len(items), 20)]
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = badges.sheet_pdf(chunks)
        result |= {
            "count": count,
            "seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu,
            "bytes": len(pdf),
        }
    elif name == "verify":
        key = keys.private_key()
        codes = [qr.sign(qr.BadgeCode(expo_id=1, number=badge.number, version=1), key) for badge in items]
        public = key.public_key()
        start = time.perf_counter()
        for code in codes:
            assert qr.verify(code, public).ok
        result |= {"count": count, "per_second": count / (time.perf_counter() - start)}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_phase(name: str, count: int, var_dir: str) -> dict:
    env = {**os.environ, "EXPO_VAR_DIR": var_dir}
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--count", str(count)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"the {name} phase failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--badges", type=int, default=200, help="single A6 badges timed (default 200)")
    parser.add_argument("--sheet", type=int, default=2000, help="badges on the A4 sheet (default 2000)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.count)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-badges-") as var_dir:
        single = run_phase("single", args.badges, var_dir)
        sheet = run_phase("sheet", args.sheet, var_dir)
        verify = run_phase("verify", 5000, var_dir)
    bare_ms, portal_ms = single["bare_median_ms"], single["portal_median_ms"]
    overhead = portal_ms / bare_ms - 1
    print(
        f"A6 badge, CPU ms (median of {single['count']}): bare WeasyPrint {bare_ms:.1f}, portal {portal_ms:.1f}, "
        f"overhead {overhead:+.1%}; peak RSS {single['peak_rss_mb']:.0f} MB"
    )
    print(
        f"A4 sheet of {sheet['count']} badges: {sheet['seconds']:.1f} s ({sheet['cpu_seconds']:.1f} s CPU), "
        f"{sheet['bytes'] / 1e6:.1f} MB, peak RSS {sheet['peak_rss_mb']:.0f} MB"
    )
    print(f"Badge code checks: {verify['per_second']:.0f}/s")
    failures = []
    if bare_ms > SLOW_PATH_MS:
        failures.append(
            f"an A6 badge takes {bare_ms:.0f} ms of CPU in bare WeasyPrint (over {SLOW_PATH_MS} ms): the slow path "
            "without Debian's libharfbuzz-subset0; install it (scripts/install-system-packages.sh)"
        )
    if overhead > MAX_OVERHEAD:
        failures.append(f"the portal adds {overhead:.0%} to bare WeasyPrint (bound {MAX_OVERHEAD:.0%})")
    if sheet["seconds"] > SHEET_SECONDS:
        failures.append(f"the {sheet['count']}-badge sheet took {sheet['seconds']:.0f} s (bound {SHEET_SECONDS} s)")
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
