# observatory — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## create the virtualenv and install the project with its test tools

system-deps: ## install the Debian packages the pipeline and tests use (tesseract-ocr-ita, chromium), if missing
	bash scripts/system-deps.sh

test: install system-deps ## lint, then run the whole suite (SQLite and PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

demo: install system-deps ## run the nightly pipeline on SQLite against a local replay of the corpus; e-mails go to ./outbox
	$(BIN)/observatory demo

lint: install ## ruff
	$(BIN)/ruff check .

db-check: install ## models and migrations agree
	$(BIN)/observatory db check

bench: install ## print the benchmark figures
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## remove the virtualenv, the local database and the outbox
	rm -rf $(VENV) var outbox

.PHONY: help install system-deps test demo lint db-check bench clean
