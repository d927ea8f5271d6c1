"""Measure the portal's pages against a bare Django view with wrk, on a throwaway stack on loopback.

    .venv/bin/python bench/run.py [--pages / /other/] [--duration 10] [--connections 20]

It starts a PostgreSQL cluster in a temporary directory, migrates it and loads the
demo data, collects the static files, and serves the portal with gunicorn (2 workers,
production settings: DEBUG off, a fresh SECRET_KEY) from `bench.settings`, which adds
the bare view `/bench/bare/`. Then, for the bare view and each page, a short warm-up
and a timed wrk run. It prints a table (requests/s, p50/p95/p99 latency, non-2xx
responses, socket errors, the ratio of each page's requests/s to the bare view's, the
CPU per request in gunicorn and PostgreSQL, and the CPU other programs took meanwhile)
and writes the same figures as JSON to `bench/results/`. Whatever happens, it stops the
gunicorn and PostgreSQL it started, by their process ids, and removes the temp dir.

Standard library only; everything listens on 127.0.0.1 and every run is bounded.
"""

import argparse
import base64
import datetime
import glob
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
LUA_SCRIPT = ROOT / "bench" / "report.lua"
BARE_PATH = "/bench/bare/"
HOST = "127.0.0.1"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    """The newest PostgreSQL's `name` from /usr/lib/postgresql/*/bin, else from PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise SystemExit(f"bench: PostgreSQL's {name} not found (install postgresql)")
    return path


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_pid(pid: int, sig: int, gone, timeout: float) -> bool:
    """Send `sig` to `pid`, then wait until `gone()` is true; False if it is not after `timeout` s."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gone():
            return True
        time.sleep(0.1)
    return gone()


class Postgres:
    """A PostgreSQL cluster in `workdir`, trusted on loopback only, without durability (fsync off)."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.pid: int | None = None
        self.dir.mkdir()
        # PostgreSQL refuses to run as root: run it as Debian's `postgres` user, owner of the dir.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(workdir, "postgres", "postgres")
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://expo@{HOST}:{self.port}/expo"

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, cwd="/", start_new_session=True)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed:\n{done.stdout}{done.stderr}\n{tail(self.dir / 'log')}")

    def start(self) -> None:
        self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "expo", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        try:
            self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        finally:
            # pg_ctl forks the postmaster; its pid is the first line of postmaster.pid.
            self.pid = self._postmaster_pid()
        self._run(pg_bin("createdb"), "-h", HOST, "-p", str(self.port), "-U", "expo", "expo")

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        pid = self.pid or self._postmaster_pid()
        if pid is None:
            return

        def gone() -> bool:
            # The postmaster removes postmaster.pid as its last act, which also works when
            # nobody reaps it (it is not our child).
            return not (self.data / "postmaster.pid").exists()

        # SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT its "immediate" one.
        if not stop_pid(pid, signal.SIGINT, gone, 30) and not stop_pid(pid, signal.SIGQUIT, gone, 10):
            log(f"PostgreSQL (pid {pid}) did not stop; its data is in {self.data}")
            return
        log(f"stopped PostgreSQL (pid {pid})")


class Gunicorn:
    """gunicorn serving the portal with `env` on a free loopback port."""

    def __init__(self, workdir: Path, env: dict, *, workers: int, worker_class: str, threads: int) -> None:
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        self.env = env
        self.command = [
            sys.executable, "-m", "gunicorn", "expo.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers),
            "--worker-class", worker_class,
            "--error-logfile", str(self.log_path),
            "--log-level", "warning",
            # No control socket: it would be shared with any other gunicorn on the machine.
            "--no-control-socket",
        ]  # fmt: skip
        if worker_class == "gthread":
            self.command += ["--threads", str(threads)]
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        # A session of its own, so that Ctrl-C reaches only this script, which then stops gunicorn in order.
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{tail(self.log_path)}")
            try:
                with urllib.request.urlopen(f"{self.base_url}{BARE_PATH}", timeout=5) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {BARE_PATH} within 60 s:\n{tail(self.log_path)}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pid = self.process.pid
        # SIGTERM lets the workers finish their request; if that hangs, kill the whole process group
        # (the master and its workers, all started by us in their own session).
        if not stop_pid(pid, signal.SIGTERM, lambda: self.process.poll() is not None, 30):
            os.killpg(pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        log(f"stopped gunicorn (pid {pid})")


def manage(env: dict, *args: str) -> None:
    log("manage.py " + " ".join(args))
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(url: str) -> int:
    """GET `url` once without following redirects; fail unless it is 2xx (a redirect or an error is not the page)."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url, timeout=10) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{url} answered {error.code} {error.reason}, not 2xx; nothing to benchmark") from None
    if not 200 <= status < 300:
        raise RuntimeError(f"{url} answered {status}, not 2xx; nothing to benchmark")
    return len(body)


def wrk(url: str, *, duration: int, connections: int, threads: int) -> dict:
    """Run wrk against `url` for `duration` seconds and return the figures its Lua script reports."""
    command = [
        "wrk", "--latency", "-t", str(min(threads, connections)), "-c", str(connections),
        "-d", f"{duration}s", "--timeout", "10s", "-s", str(LUA_SCRIPT), url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    match = re.search(r"^BENCH_RESULT (\{.*\})$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "latency_ms": {key: round(value / 1000, 2) for key, value in latency.items()},
        "non_2xx": raw["non_2xx"],
        "socket_errors": {key: value for key, value in raw["errors"].items() if key != "status"},
        "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
        "wrk_output": done.stdout.replace(match.group(0), "").strip(),
    }


# --- CPU accounting (Linux /proc): throughput alone moves with whatever else runs on the machine ---

TICK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: str) -> list[str]:
    # The command name, in parentheses, may hold spaces: the fields that matter come after it.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rpartition(")")[2].split()


def tree_cpu_ticks(pid: int) -> int:
    """CPU time (user + system, in ticks) of `pid` and its children (gunicorn workers, PostgreSQL backends).

    Live children are read one by one; those that ended are in `pid`'s cutime and cstime once it reaped them.
    """
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = _stat_fields(entry)
        except OSError:  # the process ended meanwhile
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
        if int(entry) == pid:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime: its reaped children
    return total


def busy_ticks() -> int:
    """CPU time the whole machine spent busy (user, nice, system, irq, softirq), in ticks."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in stat.readline().split()[1:8])
    return user + nice + system + irq + softirq


def measure(url: str, *, gunicorn_pid: int, postgres_pid: int, **wrk_args) -> dict:
    """`wrk` plus the CPU that gunicorn, PostgreSQL, wrk and everything else used meanwhile."""
    app, db, busy = tree_cpu_ticks(gunicorn_pid), tree_cpu_ticks(postgres_pid), busy_ticks()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = wrk(url, **wrk_args)
    app, db, busy = tree_cpu_ticks(gunicorn_pid) - app, tree_cpu_ticks(postgres_pid) - db, busy_ticks() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_s = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    requests = max(figures["requests"], 1)
    figures["cpu"] = {
        "app_ms_per_request": round(app / TICK * 1000 / requests, 3),
        "db_ms_per_request": round(db / TICK * 1000 / requests, 3),
        "wrk_s": round(wrk_s, 2),
        # Includes the kernel's loopback networking (a few tenths of a second per 10 s run here);
        # a second or more means another program competed for the CPUs.
        "other_processes_s": round(max(busy / TICK - (app + db) / TICK - wrk_s, 0), 2),
    }
    return figures


def git_revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def print_table(results: list[dict]) -> None:
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "non-2xx", "sock err", "vs bare", "app CPU", "db CPU", "other s")
    header = f"{'page':<24} {columns[0]:>9} " + " ".join(f"{column:>8}" for column in columns[1:])
    print(header)
    print("-" * len(header))
    for row in results:
        ratio = f"{row['ratio_to_bare']:.2f}" if row["ratio_to_bare"] is not None else "-"
        latency = row["latency_ms"]
        print(
            f"{row['path']:<24} {row['requests_per_s']:>9.1f} {latency['p50']:>8.2f} {latency['p95']:>8.2f} "
            f"{latency['p99']:>8.2f} {row['non_2xx']:>8} {sum(row['socket_errors'].values()):>8} {ratio:>8} "
            f"{row['cpu']['app_ms_per_request']:>8.2f} {row['cpu']['db_ms_per_request']:>8.2f} "
            f"{row['cpu']['other_processes_s']:>8.1f}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", default=["/"], help="paths to measure, e.g. / /healthz (default: /)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of measurement per page (default: 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page, not measured (default: 3)")
    parser.add_argument("--connections", type=int, default=20, help="open connections wrk keeps (default: 20)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync", help="default: sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with gthread (default: 4)")
    parser.add_argument("--exhibitors", type=int, default=0, help="listed exhibitors to add to the demo data")
    parser.add_argument("--products", type=int, default=0, help="products to add among those exhibitors")
    parser.add_argument(
        "--stalls", type=int, default=0, help="stalls to add in halls B1 and B2, mostly allocated (multiple of 20)"
    )
    parser.add_argument("--no-cache", action="store_true", help="serve with no cache at all (uncached figures)")
    parser.add_argument(
        "--open-registration",
        action="store_true",
        help="move the demo expo a month ahead with registration open, so that /register/ shows its form",
    )
    args = parser.parse_args()
    for page in args.pages:
        # Paths only, so that the target is always the gunicorn this script started on loopback.
        if not page.startswith("/") or page.startswith("//"):
            parser.error(f"--pages takes paths such as /exhibitors/, not {page!r}")
    if not 1 <= args.duration <= 600 or not 0 <= args.warmup <= 60 or not 1 <= args.connections <= 1000:
        parser.error("keep --duration within 1..600 s, --warmup within 0..60 s and --connections within 1..1000")
    return args


def main() -> int:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (apt-get install wrk); nothing was measured")
    # Turn SIGTERM into an exception too, so that the `finally` below stops what was started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    started = datetime.datetime.now(datetime.UTC)
    # Anything else busy on the machine skews the figures: the load average goes into the results.
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="expo-bench-"))
    postgres = gunicorn = None
    try:
        postgres = Postgres(workdir)
        log(f"starting PostgreSQL on {HOST}:{postgres.port}")
        postgres.start()
        # A clean environment: nothing from the caller's shell (a REDIS_URL, an EMAIL_HOST) may
        # point the benchmark anywhere but at what it started here.
        env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
        env |= {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": postgres.url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            # A fresh badge signing key: any 32 random bytes are an Ed25519 private key (the demo signs badges).
            "EXPO_BADGE_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
            "DJANGO_DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
            "EXPO_VAR_DIR": str(workdir / "var"),  # static files, media and mail outside the work tree
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        # wrk sends every request from one address: bench/api.py raises the API's rate limit this way, so that
        # it measures answers rather than 429s (the limit is still counted at every request).
        if os.environ.get("EXPO_API_ANON_RATE"):
            env["EXPO_API_ANON_RATE"] = os.environ["EXPO_API_ANON_RATE"]
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        if args.exhibitors:
            log(f"adding {args.exhibitors} exhibitors with {args.products} products")
            done = subprocess.run(
                [
                    sys.executable,
                    "bench/seed_directory.py",
                    "--exhibitors",
                    str(args.exhibitors),
                    "--products",
                    str(args.products),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"seeding the directory failed:\n{done.stdout}{done.stderr}")
        if args.stalls:
            log(f"adding two halls with {args.stalls} stalls, most of them allocated")
            done = subprocess.run(
                [sys.executable, "bench/seed_floor_plan.py", "--stalls", str(args.stalls)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise RuntimeError(f"seeding the floor plan failed:\n{done.stdout}{done.stderr}")
        if args.open_registration:
            log("opening registration for the demo expo, a month ahead")
            done = subprocess.run(
                [sys.executable, "bench/open_registration.py"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"opening registration failed:\n{done.stdout}{done.stderr}")
        if any("{buyer}" in page for page in args.pages):
            done = subprocess.run(
                [sys.executable, "bench/buyer_link.py"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if done.returncode != 0:
                raise RuntimeError(f"finding the demo buyer's link failed:\n{done.stdout}{done.stderr}")
            args.pages = [page.replace("{buyer}", done.stdout.strip()) for page in args.pages]
        if args.no_cache:
            env["BENCH_NO_CACHE"] = "1"
        manage(env, "collectstatic", "--noinput")

        gunicorn = Gunicorn(workdir, env, workers=args.workers, worker_class=args.worker_class, threads=args.threads)
        log(f"starting gunicorn on {gunicorn.base_url} ({args.workers} {args.worker_class} workers)")
        gunicorn.start()

        results = []
        for path in [BARE_PATH, *args.pages]:
            url = gunicorn.base_url + path
            check_page(url)
            if args.warmup:
                log(f"warming up {path} for {args.warmup} s")
                wrk(url, duration=args.warmup, connections=args.connections, threads=args.wrk_threads)
            log(f"measuring {path} for {args.duration} s with {args.connections} connections")
            figures = measure(
                url,
                gunicorn_pid=gunicorn.process.pid,
                postgres_pid=postgres.pid,
                duration=args.duration,
                connections=args.connections,
                threads=args.wrk_threads,
            )
            results.append({"path": path, **figures})
        bare = results[0]
        bare_cpu = bare["cpu"]["app_ms_per_request"] + bare["cpu"]["db_ms_per_request"]
        for row in results:
            is_bare = row is bare
            row["ratio_to_bare"] = None if is_bare else round(row["requests_per_s"] / bare["requests_per_s"], 3)
            # The same ratio from server CPU per request: steadier when something else shares the machine.
            cpu = row["cpu"]["app_ms_per_request"] + row["cpu"]["db_ms_per_request"]
            row["cpu_ratio_to_bare"] = None if is_bare or not cpu else round(bare_cpu / cpu, 3)
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "revision": git_revision(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "postgresql": Path(pg_bin("postgres")).parts[-3],
            "load_average_before": [round(value, 2) for value in load_before],
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "wrk_threads": min(args.wrk_threads, args.connections),
            "gunicorn_workers": args.workers,
            "gunicorn_worker_class": args.worker_class,
            "gunicorn_threads": args.threads if args.worker_class == "gthread" else 1,
            "extra_exhibitors": args.exhibitors,
            "extra_products": args.products,
            "extra_stalls": args.stalls,
            "registration_open": args.open_registration,
            "cache": not args.no_cache,
        },
        "results": results,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"bench-{started:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print_table(results)
    print(
        f"\n{os.cpu_count()} CPUs, {args.workers} {args.worker_class} workers, {args.connections} connections, "
        f"{args.duration} s per page; wrk runs on the same machine; load average before the run "
        f"{load_before[0]:.2f}.\napp CPU, db CPU: CPU ms per request in gunicorn and in PostgreSQL. other s: CPU "
        f"seconds that other programs took during the measurement (under 1 s on a quiet machine).\n"
        f"Results: {out.relative_to(ROOT)}"
    )
    return 0 if all(row["non_2xx"] == 0 and not any(row["socket_errors"].values()) for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
