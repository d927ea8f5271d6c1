"""Locust users for bench/visitors_load.py: visitors registering, and gate staff scanning badges.

Run by bench/visitors_load.py, which passes, in the environment, where the seeded badge codes
and the gate staff login are (BENCH_VISITORS_SEED, a JSON file).
"""

import itertools
import json
import os
import re
import uuid
from pathlib import Path

from locust import HttpUser, constant, task

SEED = json.loads(Path(os.environ["BENCH_VISITORS_SEED"]).read_text()) if os.environ.get("BENCH_VISITORS_SEED") else {}
_numbers = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor(HttpUser):
    """Opens the registration form and registers, with an email of its own each time."""

    wait_time = constant(0)
    weight = int(os.environ.get("BENCH_VISITOR_WEIGHT", "1"))

    @task
    def register(self):
        form = self.client.get("/register/", name="GET /register/")
        token = CSRF.search(form.text).group(1)
        number = next(_numbers)
        with self.client.post(
            "/register/",
            {
                "csrfmiddlewaretoken": token,
                "category": "trade_visitor",
                "full_name": f"Load Visitor {number}",
                "email": f"load{os.getpid()}-{number}@example.pk",
                "phone": "+92 300 1234567",
                "organisation": "Load Traders",
                "country": "PK",
                "city": "Lahore",
                "days": SEED.get("day"),
                "consent": "on",
            },
            headers={"Referer": self.host + "/register/"},
            allow_redirects=False,
            name="POST /register/",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")


class GateStaff(HttpUser):
    """Gate staff, signed in, scanning the seeded badges one after another, each scan with a new id."""

    wait_time = constant(0)
    weight = int(os.environ.get("BENCH_GATE_WEIGHT", "0"))

    def on_start(self):
        # The session bench/visitors_load.py signed in, and a CSRF secret of our own (cookie and header agree).
        self.csrf = uuid.uuid4().hex
        self.client.cookies.set("sessionid", SEED["session"])
        self.client.cookies.set("csrftoken", self.csrf)
        self.codes = itertools.cycle(SEED["codes"])

    @task
    def scan(self):
        body = {"payload": next(self.codes), "scan_id": str(uuid.uuid4()), "gate": SEED["gate"]}
        with self.client.post(
            "/gate/scan/",
            json=body,
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/gate/"},
            name="POST /gate/scan/",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "outcome" not in response.json():
                response.failure(f"status {response.status_code}")
