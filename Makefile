# The front door. `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run migrate load test lint check browser bench clean

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

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
