"""The public API's cached lists beside the bare view, in the same run of bench/run.py.

    .venv/bin/python bench/api.py [--exhibitors 200 --products 2000] [--duration 10] [other bench/run.py options]

It runs bench/run.py (PostgreSQL, the demo data, gunicorn with production settings, wrk) on the API's
list endpoints: the first page of exhibitors, of products, of stalls with their occupants and of
sessions, and a filtered list. Every option is passed on to bench/run.py. wrk sends every request from
one address, so the API's rate limit per address is raised for the run (``EXPO_API_ANON_RATE``); the
throttle still counts every request, so its cost is in the figures. The aim: at least half of the bare
view's requests/s for each cached list.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    "/api/v1/exhibitors/",
    "/api/v1/exhibitors/?women_led=true",
    "/api/v1/products/",
    "/api/v1/stalls/",
    "/api/v1/sessions/",
]
# Far more than wrk sends in an hour; the counter costs the same whatever the rate.
RATE = "100000000/hour"


def main() -> int:
    arguments = sys.argv[1:]
    if "--pages" not in arguments:
        arguments = ["--pages", *PAGES, *arguments]
    command = [sys.executable, str(ROOT / "bench" / "run.py"), *arguments]
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "EXPO_API_ANON_RATE": RATE}).returncode


if __name__ == "__main__":
    sys.exit(main())
