# Bassin — two commands: `make demo` (run the product on real sample data) and `make test` (everything CI runs).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BASSIN := $(VENV)/bin/bassin
DATA_DIR ?= var/demo
SAMPLE ?= data/offers/france_travail_sample.jsonl.gz
export BASSIN_DATA_DIR ?= $(DATA_DIR)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
UI_HOST ?= 127.0.0.1
UI_PORT ?= 8000
# Stored candidates for the recruiter profile: the 25 real English resumes shipped with the evals (sources
# and licence in evals/fixtures/README.md) and 320 synthetic French CVs (data/candidates_fr, see data/README.md).
DEMO_CVS ?= evals/fixtures/candidates data/candidates_fr
# Demo logins only (loopback); set BASSIN_UI_USERS yourself anywhere else.
export BASSIN_UI_USERS ?= [{"name": "candidat", "password": "demo", "role": "candidate"}, {"name": "recruteur", "password": "demo", "role": "recruiter"}]

.PHONY: setup setup-lean deps demo search test lint typecheck unit bench clean

# `make demo` installs the lean set (the offline default needs no torch); `make setup` adds what the tests
# need: the dev tools and the `transformers` extra (sentence-transformers, torch from PyPI).
define uv_install
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv
	@UV=$$(command -v uv || echo "$(PYTHON) -m uv"); \
	  [ -x $(PY) ] || $$UV venv --quiet --python $(PYTHON) $(VENV); \
	  $$UV pip install --quiet --compile-bytecode --python $(PY) -e "$(1)"
endef

TEST_EXTRAS := .[dev,transformers]

$(VENV)/.installed-lean: pyproject.toml
	$(call uv_install,.)
	@touch $@

$(VENV)/.installed: pyproject.toml
	$(call uv_install,$(TEST_EXTRAS))
	@touch $@ $(VENV)/.installed-lean

setup: $(VENV)/.installed  ## create the virtualenv with every dependency (tests, torch-based models)

setup-lean: $(VENV)/.installed-lean  ## only what the product needs by default (no torch)

demo: setup-lean  ## ingest the real sample offers (offline), run example searches, then serve the chat UI
	$(BASSIN) ingest offers $(SAMPLE)
	for cvs in $(DEMO_CVS); do $(BASSIN) ingest cvs $$cvs || exit 1; done
	$(BASSIN) stats
	$(BASSIN) search "développeur python" --city Lyon --radius 30 --contract CDI
	$(BASSIN) search "cariste en intérim près de Lille"
	$(BASSIN) search-candidates "développeurs Python seniors près de Lyon"
	@echo "Interface : http://$(UI_HOST):$(UI_PORT) — candidat / demo (je cherche un emploi), recruteur / demo (je recrute). Ctrl-C pour arrêter."
	$(VENV)/bin/chainlit run chainlit_app.py --headless --host $(UI_HOST) --port $(UI_PORT)

search: setup-lean  ## make search Q="aide-soignant à Nantes"
	$(BASSIN) search "$(Q)"

deps:  ## system packages for the real-service tests (Java, Maven for Elasticsearch; ...)
	bash scripts/system-deps.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: setup
	$(VENV)/bin/mypy

unit: setup deps
	$(VENV)/bin/pytest -q tests

test: lint typecheck unit  ## what CI runs: lint, types, all tests

bench: setup  ## benchmarks; results table printed and written to bench/results/
	$(PY) -m bench.run

clean:
	rm -rf var/demo var/test .pytest_cache .mypy_cache .ruff_cache
