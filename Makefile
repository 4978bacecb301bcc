# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

# Find a Python 3.12+ interpreter: PYTHON if given, then python3.14..3.12 and
# python3 on PATH, then any pyenv-installed 3.12+.
PYTHON ?= $(shell bin/find-python)

.PHONY: help
help:
	@echo "make run       set up .venv, migrate, seed the demo and serve http://127.0.0.1:8000"
	@echo "make test      install dev requirements and run the whole test suite"
	@echo "make lint      ruff, format check, Django checks, migrations check, pip-audit"
	@echo "make format    apply ruff formatting and fixes"
	@echo "make worker    run a Celery worker (needs REDIS_URL)"
	@echo "make beat      run Celery beat (needs REDIS_URL)"
	@echo "make bench     measure the seeded site and the pipelines"
	@echo "make mutation  mutation testing of the money and mail paths (slow)"
	@echo "make screenshots-update  refresh the reviewed screenshot baselines"
	@echo "make requirements  recompile the pinned requirement files"

$(VENV)/.python-ok:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found. Install Python 3.12+ (python3.12 on PATH) or run: make PYTHON=/path/to/python3.12 run" >&2; \
	  exit 1; fi
	@if [ -x "$(PY)" ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Removing $(VENV) built with an old Python"; rm -rf $(VENV); fi
	@[ -x "$(PY)" ] || $(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: requirements.txt $(VENV)/.python-ok
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements.txt -r requirements-dev.txt
	@touch $@

.PHONY: install install-dev
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

.PHONY: run
run: install-dev
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bin/run-demo

# The browser journeys run in a pytest process of their own: they start from a
# freshly migrated database instead of one emptied by earlier transactional
# tests. JUNIT_DIR=dir writes a JUnit report per run (CI judges the skips in
# them); COVERAGE=1 measures branch coverage over both and applies the floor
# (bin/coverage-gate); COVERAGE_FILE chooses where the data goes.
COV_MAIN := $(if $(COVERAGE),--cov --cov-report=)
COV_BROWSER := $(if $(COVERAGE),--cov --cov-append --cov-report=)

.PHONY: test
test: install-dev
	$(VENV)/bin/pytest --ignore=tests/browser $(COV_MAIN) $(PYTEST_ARGS) \
	  $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/junit-main.xml)
	$(VENV)/bin/pytest tests/browser $(COV_BROWSER) $(PYTEST_ARGS) \
	  $(if $(JUNIT_DIR),--junitxml=$(JUNIT_DIR)/junit-browser.xml)
	@$(if $(COVERAGE),$(MAKE) --no-print-directory coverage-report)

.PHONY: coverage-report
coverage-report:
	@mkdir -p var
	@$(VENV)/bin/coverage report --skip-covered --skip-empty --sort=cover | tail -n 30
	@$(VENV)/bin/coverage json -q -o var/coverage.json
	@bin/coverage-gate var/coverage.json

# Mutation testing of the money and mail paths (not part of CI: slow). See
# the README's Testing section for the score and the surviving mutants.
.PHONY: mutation
mutation: install-dev
	$(PY) bin/mutation $(MUTATION_ARGS)

# Rewrite the screenshot baselines (tests/browser/baselines/) after a deliberate
# change of design; review the new PNGs before committing them.
.PHONY: screenshots-update
screenshots-update: install-dev
	SCREENSHOTS_UPDATE=1 $(VENV)/bin/pytest tests/browser/test_screenshots.py $(PYTEST_ARGS)

.PHONY: lint
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	bin/check-deploy
	@# Fails on any known vulnerability; packages the audit service cannot see are listed, not fatal.
	$(VENV)/bin/pip-audit --progress-spinner off -r requirements.txt $(PIP_AUDIT_ARGS)

.PHONY: format
format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: worker beat
worker: install
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker" >&2; exit 1; }
	$(VENV)/bin/celery -A config worker --loglevel INFO
beat: install
	@[ -n "$$REDIS_URL" ] || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run beat" >&2; exit 1; }
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel INFO --schedule var/celerybeat-schedule

.PHONY: bench
bench: install-dev
	$(PY) -m bench

.PHONY: requirements
requirements: $(VENV)/.python-ok
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements.in -o requirements.txt
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links requirements-dev.in -o requirements-dev.txt
