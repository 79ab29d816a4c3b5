# The front door. `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve migrate load test lint check browser bench bench-twin-towns bench-project-list bench-project-import bench-load bench-pages bench-downloads clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(MANAGE) migrate --noinput

load: migrate
	$(MANAGE) load_initial_data

run: load
	DEBUG=$${DEBUG:-1} $(MANAGE) runserver $(HOST):$(PORT)

# Production-like: DEBUG off, PRODUCTION=1 (portal/settings.py), static files collected and
# served by WhiteNoise, gunicorn with 2 × cores + 1 workers (portal/gunicorn.conf.py).
# Plain http on loopback, so HTTPS=0 unless set; behind the TLS proxy run it with HTTPS=1.
# SECRET_KEY defaults to the development key in .secret_key, which `load` has created.
serve: load
	PRODUCTION=1 DEBUG=0 HTTPS=$${HTTPS:-0} SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
		$(MANAGE) collectstatic --noinput --verbosity 0
	PRODUCTION=1 DEBUG=0 HTTPS=$${HTTPS:-0} SECRET_KEY="$${SECRET_KEY:-$$(cat .secret_key)}" \
		HOST=$(HOST) PORT=$(PORT) \
		$(BIN)/gunicorn --config portal/gunicorn.conf.py --no-control-socket portal.wsgi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# The browser tests drive Debian's Chromium (tests/browser/); Playwright's own browser
# download is never used. Installed with apt only when missing, which needs root.
CHROMIUM := /usr/bin/chromium

browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Chromium with apt for the browser tests."; \
			apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
		else \
			echo "ERROR: $(CHROMIUM) is missing. Install it as root with" >&2; \
			echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2; \
			echo "or deselect the browser tests: .venv/bin/pytest -m 'not browser'" >&2; \
			exit 1; \
		fi; \
	fi

test: lint check browser
	$(BIN)/pytest

# Export of 50 000 projects to XLSX, CSV and ODS beside the raw writers; prints its figures.
bench: install
	$(BIN)/python bench/export_projects.py

# The twin-town import of a 1 000-row list: dry run and import (target under 10 s together).
bench-twin-towns: install
	$(BIN)/python bench/twin_town_import.py

# The import of a 1 000-project list with one row per partner: dry run and import (target
# under 10 s together; bench/project_list_import.py).
bench-project-list: install
	$(BIN)/python bench/project_list_import.py

# The admin's project import (one row per project) of a 1 000-row file, preview and confirm
# through the admin's views (target within 3 s together on the scale data;
# bench/project_import.py). On the benchmark database, in a transaction rolled back.
bench-project-import: install
	$(BIN)/python bench/project_import.py --database-url $${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench}

# Load on `make serve` with the scale data on PostgreSQL (bench/load.py): requests/s,
# p50/p95 and queries of four pages, cached and uncached. wrk comes from apt when missing.
bench-load: install
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else \
			echo "ERROR: wrk is missing. Install it as root: apt-get install -y wrk" >&2; exit 1; \
		fi; \
	fi
	$(BIN)/python bench/load.py

# Every page type at scale without the page cache, one request at a time: p50/p95 beside the
# targets of issue 17 (bench/pages.py), on the same database as bench-load.
bench-pages: install
	$(BIN)/python bench/pages.py

# The whole project list (50 000 rows) downloaded as CSV, XLSX and JSON: time to the first
# bytes, total time and peak memory (bench/downloads.py), on the same database as bench-load.
bench-downloads: install
	$(BIN)/python bench/downloads.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
