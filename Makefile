# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint typecheck unit national bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The web application with the demo province, on http://127.0.0.1:8000
run: $(STAMP)
	PARINDEX_DEBUG=1 PARINDEX_DEMO=1 $(BIN)/python manage.py migrate --no-input
	PARINDEX_DEBUG=1 PARINDEX_DEMO=1 $(BIN)/python manage.py demo --if-empty
	PARINDEX_DEBUG=1 PARINDEX_DEMO=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The national PAR INDEX analysis on the shipped example data (no web server needed).
national: $(STAMP)
	$(BIN)/parindex national report \
		--results parindex/data/national/par_index_generated_2021_2022.csv \
		--year 2022 --unit "Bắc Kạn" --compare-to 2021

# Lint, types, and the whole suite on SQLite, then on PostgreSQL (scripts/test says how).
test: $(STAMP)
	scripts/test

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/engine.py

# Update the English catalogue from the code (new strings empty, reworded ones fuzzy) and compile it
messages: $(STAMP)
	cd parindex && $(abspath $(BIN))/django-admin makemessages --locale=en --add-location=file \
		--no-obsolete --ignore=migrations --ignore=engine --ignore=frameworks --ignore=national \
		--ignore=servicedata --ignore=surveys --ignore=cli --ignore=demo
	cd parindex && $(abspath $(BIN))/django-admin compilemessages --locale=en

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
