# `make run` sets up and serves the portal locally; `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The local mode: SQLite, eager Celery, emails as files in var/mail, staff MFA off (said on every staff page).
LOCAL := DJANGO_DEBUG=1 EXPO_STAFF_MFA_REQUIRED=0

.PHONY: run test lint bench

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	./scripts/install-system-packages.sh --runtime
	mkdir -p var
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(LOCAL) $(PY) manage.py load_demo --if-empty
	@echo "Serving the portal at http://127.0.0.1:8000 (emails are written to var/mail)."
	$(LOCAL) $(PY) manage.py runserver 127.0.0.1:8000

# Test tools from the npm registry: axe-core and the Nu HTML checker (vnu-jar) audit the public pages.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test: $(VENV)/.dev node_modules/.installed
	./scripts/install-system-packages.sh
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.dev
	./scripts/install-system-packages.sh
	$(PY) bench/run.py
