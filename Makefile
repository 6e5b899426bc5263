# make run   : the service on an embedded default (SQLite + filesystem broker), web + worker + beat
# make test  : the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint services bench bench-small audit lock clean

$(VENV)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, admin: /admin/, health: /healthz). Ctrl-C stops web, worker and beat."
	PORT=$(PORT) $(VENV)/bin/honcho -f Procfile start

test: $(VENV)/.installed
	$(PY) -m pytest -n auto --dist loadscope

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# PostgreSQL and Redis on loopback, for running the suite on the real components locally:
#   eval "$$(make -s services)" && make test
services:
	@scripts/services.sh start

# Benchmarks against PostgreSQL (DATABASE_URL, or the throwaway server of `make services`):
# every figure is a ratio against a baseline measured in the same run; results in bench/results/latest.json
bench: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then eval "$$(scripts/services.sh start)"; fi; $(PY) -m bench.run --scale $${SCALE:-1000000}

bench-small: $(VENV)/.installed
	@if [ -z "$$DATABASE_URL" ]; then eval "$$(scripts/services.sh start)"; fi; $(PY) -m bench.run --scale 20000 --rounds 100

# Known vulnerabilities in the pinned dependencies (needs the PyPI or OSV vulnerability API, unreachable in our CI)
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit -r requirements.lock

lock:
	$(VENV)/bin/pip-compile --quiet --strip-extras --extra dev -o requirements.lock pyproject.toml

clean:
	rm -rf var .pytest_cache
