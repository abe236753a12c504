# Two commands on a fresh machine: `make run` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DB := demo.db

.PHONY: install run test lint unit bench clean drill

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make run: the main job on embedded SQLite (a fresh demo database each time)
run: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/lotline --db sqlite:///$(DEMO_DB) demo
	$(BIN)/lotline --db sqlite:///$(DEMO_DB) check

lint: install
	$(BIN)/ruff check lotline tests bench
	$(BIN)/ruff format --check lotline tests bench
	$(BIN)/mypy --strict lotline
	$(BIN)/lint-imports --no-cache

## make test: lint, type check and the whole suite (SQLite, and PostgreSQL when reachable),
## on every core (pytest-xdist; each worker has its own databases)
TEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS)

## make drill: the reliability drills of tests/drills run long (minutes): more processes,
## calls, kills and random sequences than in make test (LOTLINE_DRILL=long)
DRILL_WORKERS ?= 2
drill: install
	LOTLINE_DRILL=long $(BIN)/pytest -n $(DRILL_WORKERS) tests/drills

bench: install
	$(BIN)/python bench/workload.py --table --n 1000 --n 10000

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
