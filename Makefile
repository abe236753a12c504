# Two commands on a fresh machine: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DB := demo.db
DEMO_USER := admin
DEMO_PASSWORD := admin

.PHONY: install run browser screenshots test lint unit bench clean drill

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: the main job on embedded SQLite: a fresh demo database, a demo admin user,
## and the web application with the API at http://127.0.0.1:8000 (Ctrl-C stops it)
run: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/lotline --db sqlite:///$(DEMO_DB) demo
	$(BIN)/lotline --db sqlite:///$(DEMO_DB) check
	printf '%s\n' '$(DEMO_PASSWORD)' | $(BIN)/lotline --db sqlite:///$(DEMO_DB) users add $(DEMO_USER) --role admin --password-stdin
	@echo
	@echo "  Open http://127.0.0.1:8000 and log in as $(DEMO_USER), password $(DEMO_PASSWORD)."
	@echo "  The API is at http://127.0.0.1:8000/api/v1 (docs at /api/v1/docs). Ctrl-C stops."
	@echo
	$(BIN)/lotline --db sqlite:///$(DEMO_DB) serve --host 127.0.0.1 --port 8000

## make browser: Chromium for the browser tests (Debian's chromium-headless-shell), once;
## without apt-get it says so and the browser tests skip
browser:
	@if [ -n "$$LOTLINE_CHROMIUM" ] || command -v chromium-headless-shell >/dev/null 2>&1 \
	    || command -v chromium >/dev/null 2>&1; then \
	    echo "Chromium for the browser tests: found."; \
	elif command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium-headless-shell \
	    || echo "Could not install chromium-headless-shell: the browser tests will be skipped."; \
	else \
	    echo "No Chromium and no apt-get: the browser tests will be skipped."; \
	fi

## make screenshots: the browser tests write the README's screenshots to docs/screenshots
screenshots: install browser
	LOTLINE_SCREENSHOTS=docs/screenshots $(BIN)/pytest -p no:xdist tests/web -k browser

lint: install
	$(BIN)/ruff check lotline tests bench
	$(BIN)/ruff format --check lotline tests bench
	$(BIN)/mypy --strict lotline
	$(BIN)/lint-imports --no-cache

## make test: lint, type check and the whole suite (SQLite, and PostgreSQL when reachable),
## on every core (pytest-xdist; each worker has its own databases; the browser tests share
## one worker, one Chromium and one server)
TEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

## make drill: the reliability drills of tests/drills run long (minutes): more processes,
## calls, kills and random sequences than in make test (LOTLINE_DRILL=long)
DRILL_WORKERS ?= 2
drill: install
	LOTLINE_DRILL=long $(BIN)/pytest -n $(DRILL_WORKERS) tests/drills

bench: install
	$(BIN)/python bench/workload.py --table --n 1000 --n 10000

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
