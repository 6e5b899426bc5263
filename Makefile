# make run   : the service on an embedded default (SQLite + filesystem broker), web + worker + beat
# make test  : the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint messages services services-stop restore-drill bench bench-small audit lock clean

# A working copy gets the development lock (runtime + test tools); the image only requirements.lock.
$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	-$(PY) manage.py seed_demo_cases  # the demo's records; refused (a policy changed since), the service starts all the same
	@echo "Serving on http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, admin: /admin/, health: /healthz). Ctrl-C stops web, worker and beat."
	PORT=$(PORT) $(VENV)/bin/honcho -f Procfile start

test: $(VENV)/.installed
	$(PY) -m pytest -n auto --dist loadscope

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0  # a model change without its migration fails CI
	$(PY) scripts/typecheck.py  # mypy + django-stubs on every app, config, bench and tests: no error

# The Kazakh and Russian catalogues from the code (gettext's xgettext and msgfmt; Debian package gettext):
# translate what comes in empty, then `make messages` again to compile. The suite fails while one is missing.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l kk -l ru --no-obsolete -v0
	$(PY) manage.py compilemessages -v0

# PostgreSQL and Redis on loopback, for running the suite on the real components locally:
#   eval "$$(make -s services)" && make test
services:
	@scripts/services.sh start

services-stop:
	@scripts/services.sh stop

# Benchmarks against PostgreSQL (DATABASE_URL, or the throwaway server of `make services`):
# every figure is a ratio against a baseline measured in the same run; results in bench/results/latest.json
bench: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then eval "$$(scripts/services.sh start)" || exit 1; fi; $(PY) -m bench.run --scale $${SCALE:-1000000}

bench-small: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then eval "$$(scripts/services.sh start)" || exit 1; fi; $(PY) -m bench.run --scale 20000 --rounds 100

# Back up, destroy, restore and check a scratch database of SCALE children (default 100,000), timed
# (docs/deployment.md; figures in bench/results/restore-drill.json)
restore-drill: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then eval "$$(scripts/services.sh start)" || exit 1; fi; $(PY) -m bench.restore_drill --scale $${SCALE:-100000}

# Known vulnerabilities in the pinned dependencies (needs the PyPI or OSV vulnerability API, unreachable in our CI)
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit -r requirements-dev.lock

# Both locks from pyproject.toml (pip-tools is a development dependency); existing pins are kept
# unless pyproject.toml asks for another version (`make lock UPGRADE=--upgrade` to refresh).
lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile --quiet --strip-extras $(UPGRADE) -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --extra dev $(UPGRADE) -o requirements-dev.lock pyproject.toml

clean:
	rm -rf var .pytest_cache
