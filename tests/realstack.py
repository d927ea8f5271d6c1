"""A pytest plugin that gives the suite the real parts: PostgreSQL, Redis, a Celery worker, Chromium.

Loaded with ``-p tests.realstack`` (see pyproject.toml) so that it runs before
pytest-django reads the settings: when ``DATABASE_URL`` is not set it starts a
throwaway PostgreSQL cluster on a free loopback port, and when ``REDIS_URL`` is
not set a throwaway Redis, and exports both. Where a binary is missing the tests
that need it are skipped with the reason, except under ``CI=true``, where a
missing part fails the run.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"

_started: list = []


def require(available: bool, reason: str) -> None:
    """Skip the test when a real part is missing; under CI a missing part is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI needs {reason}", pytrace=False)
    pytest.skip(f"needs {reason}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


# --- PostgreSQL ---------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory, trusted on loopback only, without durability."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="expo-pg-"))
        self.data = self.dir / "data"
        # PostgreSQL refuses to run as root; run it as the `postgres` user the Debian package made.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, cwd="/")

    def start(self) -> str:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "expo", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "expo", "expo")
        return f"postgres://expo@127.0.0.1:{self.port}/expo"

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, _pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            cwd="/",
        )
        shutil.rmtree(self.dir, ignore_errors=True)


# --- Redis --------------------------------------------------------------------


class ThrowawayRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self.url

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class TemporaryDirectory:
    def __init__(self, path: str) -> None:
        self.path = path

    def stop(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


# --- Plugin hooks -------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    # Persistent connections from the live server's thread would block dropping the test database.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
    if not os.environ.get("EXPO_VAR_DIR"):
        var_dir = tempfile.mkdtemp(prefix="expo-test-var-")
        os.environ["EXPO_VAR_DIR"] = var_dir
        _started.append(TemporaryDirectory(var_dir))
    (Path(os.environ["EXPO_VAR_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL") and _pg_bin("initdb") and _pg_bin("pg_ctl"):
        postgres = ThrowawayPostgres()
        os.environ["DATABASE_URL"] = postgres.start()
        _started.append(postgres)
    if not os.environ.get("REDIS_URL") and shutil.which("redis-server"):
        redis = ThrowawayRedis()
        os.environ["REDIS_URL"] = redis.start()
        _started.append(redis)
    # The test process runs tasks in-process; `celery_worker` switches to the real worker.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"


def pytest_unconfigure(config):
    while _started:
        _started.pop().stop()


def pytest_report_header(config):
    database = os.environ.get("DATABASE_URL", "sqlite (no PostgreSQL binaries found)")
    return [f"database: {database}", f"redis: {os.environ.get('REDIS_URL', 'none')}", f"CI: {IN_CI}"]


# --- Fixtures -----------------------------------------------------------------


@pytest.fixture
def postgres_only(settings):
    """For tests whose point is PostgreSQL behaviour (locks, concurrency)."""
    require(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "PostgreSQL (initdb, pg_ctl)")


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """A real Celery worker subprocess on the throwaway Redis, using the test database.

    Yields the directory the worker writes its emails to (Django's file backend).
    """
    require(bool(os.environ.get("REDIS_URL")), "Redis (redis-server)")
    require(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "PostgreSQL (initdb, pg_ctl)")
    from expo.celery import app

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    # Each test's worker starts on an empty queue: tasks an earlier test left behind (retries of rows since
    # emptied) would otherwise hold this one-at-a-time worker. The cache has a database of its own, so clearing
    # the cache between tests no longer empties the broker's.
    app.control.purge()
    worker = start_worker(log_path, hostname=f"test-{os.getpid()}", EMAIL_FILE_PATH=str(mail_dir))
    app.conf.task_always_eager = False
    try:
        yield mail_dir
    finally:
        app.conf.task_always_eager = True
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def start_worker(log_path: Path, *, hostname: str, **env) -> subprocess.Popen:
    """A Celery worker subprocess on the test database and the throwaway Redis, started and ready."""
    from django.db import connection

    environment = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{connection.settings_dict['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **env,
    }
    with open(log_path, "ab") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "expo",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={hostname}@localhost",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    _wait_for_worker(worker, log_path)
    return worker


def _wait_for_worker(worker: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited: {log.read_text()[-3000:]}")
        if "ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the Celery worker did not start: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright; never a downloaded browser."""
    require(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: a 2-core machine busy with the suite can take seconds to paint.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
