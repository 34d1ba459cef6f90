# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make check` and `make test` (`make check WORKERS=auto` on a bigger machine)
WORKERS ?= 2

.PHONY: run test check install lint typecheck unit national bench messages clean pin api-fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every package at the version of constraints.txt (the versions the tests passed with; scripts/pin
# regenerates it). A dependency that contradicts a pin stops the install: nothing is ignored.
# The browser tests' JavaScript tools (axe-core, package-lock.json) come from npm when it is
# there; without it the accessibility tests skip (and fail under CI=true: .ci/run installs npm).
$(STAMP): pyproject.toml constraints.txt package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]" || { \
		$(BIN)/pip install --dry-run -c constraints.txt -e ".[dev]" 2>&1 | grep -A12 "conflict is caused by" >&2; \
		echo "make: the install failed; if pyproject.toml now asks for a version that constraints.txt" >&2; \
		echo "excludes, install without it (pip install -e '.[dev]'), run the tests, then scripts/pin" >&2; \
		exit 1; }
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "note: npm is missing: the accessibility tests (axe-core) will be skipped"; fi
	@VENV=$(VENV) scripts/pin --check >/dev/null 2>&1 || echo "note: constraints.txt does not list every installed version (scripts/pin --check)"
	touch $(STAMP)

install: $(STAMP)

# The web application with the demo province, on http://127.0.0.1:8000, and beside it the
# worker that runs its background jobs (exports, imports); stopping the server stops it. The
# server reloads on code changes, the worker does not (a reload would kill the job it runs):
# restart `make run` after changing a job's code.
run: $(STAMP)
	PARINDEX_DEBUG=1 PARINDEX_DEMO=1 $(BIN)/python manage.py migrate --no-input
	PARINDEX_DEBUG=1 PARINDEX_DEMO=1 $(BIN)/python manage.py demo --if-empty
	export PARINDEX_DEBUG=1 PARINDEX_DEMO=1; \
	$(BIN)/python manage.py jobs_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The national PAR INDEX analysis on the shipped example data (no web server needed).
national: $(STAMP)
	$(BIN)/parindex national report \
		--results parindex/data/national/par_index_generated_2021_2022.csv \
		--year 2022 --unit "Bắc Kạn" --compare-to 2021

# Lint, types, import contracts, the whole suite on SQLite (browser tests included), then the
# database tests on PostgreSQL, each in parallel (scripts/test says how).
test: $(STAMP)
	PYTEST_WORKERS=$(WORKERS) scripts/test

# The fast loop (about a minute): lint, format, types, import contracts and the tests that need
# no database and no browser, without the slow ones. `make test` runs everything.
check: $(STAMP)
	@start=$$(date +%s); status=0; \
	{ echo "== ruff" && $(BIN)/ruff check . && $(BIN)/ruff format --check . \
	  && echo "== mypy" && $(BIN)/mypy \
	  && echo "== import contracts" && PYTHONPATH=. $(BIN)/lint-imports \
	  && echo "== pytest (no database, no browser, not slow)" \
	  && $(BIN)/pytest -q -m "not db and not browser and not slow" -n $(WORKERS); } || status=$$?; \
	echo "make check: $$(( $$(date +%s) - start )) s"; exit $$status

# The REST API fuzzed from its OpenAPI schema by schemathesis against a live server (valid and
# invalid requests, every operation): no server error, every response as documented. Prints the
# number of generated cases; PARINDEX_API_FUZZ_EXAMPLES=100 for a longer run (default 20 per
# operation and mode, under a minute).
api-fuzz: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -q -m api_fuzz tests/api/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n $(WORKERS)

# constraints.txt from this environment, after the tests passed in it.
pin: $(STAMP)
	VENV=$(VENV) scripts/pin

bench: $(STAMP)
	$(BIN)/python bench/engine.py

# Update the English catalogue from the code (new strings empty, reworded ones fuzzy) and compile it.
# An --ignore pattern matches a directory's name at any depth: the pure package parindex/national
# is not ignored, since that would also skip parindex/web/national (it marks nothing anyway).
messages: $(STAMP)
	cd parindex && $(abspath $(BIN))/django-admin makemessages --locale=en --add-location=file \
		--no-obsolete --ignore=migrations --ignore=engine --ignore=frameworks \
		--ignore=servicedata --ignore=surveys --ignore=cli --ignore=demo
	cd parindex && $(abspath $(BIN))/django-admin compilemessages --locale=en

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The indicator statements on Spark SQL (local mode, Debian's Java 17) and on a throwaway
# PostgreSQL, compared with DuckDB row for row (docs/scaling.md). Installs the `scale` extra
# (pyspark, about 490 MB). SPARK_MASTER=spark://host:7077 or DATABASE_URL=… point it elsewhere.
.PHONY: scale-test
scale-test: $(BIN)/python
	$(BIN)/pip install --quiet $$([ -f constraints.txt ] && echo -c constraints.txt) -e ".[dev,scale]"
	JAVA_HOME="$${JAVA_HOME:-$$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n 1)}" \
		scripts/with-postgres $(BIN)/pytest -q -p no:cacheprovider -m scale tests/servicedata/test_scale.py
