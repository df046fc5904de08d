# Quick start: `make run` and `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the shipped tables: lint, the rulebook's tests, a sample evaluation.
run: install
	$(BIN)/dtable lint tables/
	$(BIN)/dtable test tables/ --quiet
	$(BIN)/dtable eval tables/ --decision registrering --input @examples/sjukskoterska-annan-dag.json --format table

# pytest runs last, so its summary is the closing line CI reads.
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy engine cli.py
	$(BIN)/dtable test tables/ --quiet
	$(BIN)/python bench/tck.py --quiet --gate 108 --results $(VENV)/tck-results.csv
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/compare.py

clean:
	rm -rf $(VENV) build *.egg-info
