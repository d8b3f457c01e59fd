# Two commands for a new user: `make reports` and `make test`. Both build .venv first if it is missing.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
JOBS   ?= 2
NOTEBOOKS ?= notebooks/*.ipynb

.PHONY: help venv reports test lint strip check-data clean clean-reports benchmark

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo ">> Checking Python (3.11 or newer is needed): $(PYTHON)"
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0])'
	@echo ">> Creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo ">> Installing the project and its dependencies (first run takes a few minutes)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP) ## Build the virtual environment (.venv) if it is missing or out of date

reports: $(STAMP) ## Build every report (PDF, HTML, XLSX) into reports/
	@echo ">> Building reports into reports/ with $(JOBS) parallel jobs"
	$(BIN)/python -m analysis reports --jobs $(JOBS)

test: $(STAMP) ## Run the whole test suite (unit tests, data checks, notebooks via nbval, lint)
	@echo ">> Running the test suite"
	$(BIN)/python -m pytest

lint: $(STAMP) ## Run ruff over the code and the notebooks
	$(BIN)/ruff check .

strip: $(STAMP) ## Remove outputs from the notebooks (after Run All + Save in JupyterLab)
	$(BIN)/nbstripout --keep-id $(NOTEBOOKS)

check-data: $(STAMP) ## Validate the shipped dataset and any imported user data
	$(BIN)/python -m analysis data check

benchmark: $(STAMP) ## Run the benchmark scripts (results go in docs/benchmarks.md)
	@for f in benchmarks/bench_*.py; do echo ">> $$f"; $(BIN)/python $$f || exit 1; done

clean-reports: ## Delete generated reports (they can be rebuilt)
	rm -rf reports/*/ reports/manifest.json reports/index.html reports/*.log

clean: clean-reports ## Delete the virtual environment and generated files
	rm -rf $(VENV) build src/*.egg-info
