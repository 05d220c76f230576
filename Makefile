# Two-tier partner commission warehouse. `make run` builds the sample, `make test` checks it.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA_DIR ?= data
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

SPARK_STAMP := $(VENV)/.installed-spark

DOCS_PORT ?= 8080

.PHONY: docs report install install-spark run test suite test-fast test-spark bench bench-scale lint format dev daemon generate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev,bi]'
	@touch $@

## run: sample logs (if none) → every asset for every log date → publish data/marts.duckdb
run: install
	@if [ ! -d "$(DATA_DIR)/raw" ]; then \
		$(PY) -m dagster_project generate --data-dir "$(DATA_DIR)" --profile small; fi
	$(PY) -m dagster_project run --data-dir "$(DATA_DIR)"

## test: lint and the whole suite side by side (what .ci/run calls); fails if either fails.
## Side by side because neither keeps both cores busy alone (sqlfluff ≈ 75 %, the suite's
## first minutes ≈ 65 %: bench/HISTORY.md, "The test suite"); their lines come interleaved.
test: install
	@$(MAKE) --no-print-directory -j2 lint suite

## suite: the whole suite, one pytest worker per core (pytest-xdist; a file's tests, or files
## sharing a scenario, stay on one worker, the longest started first: tests/conftest.py).
## TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
suite: install
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## test-fast: the unit layer only (no Dagster run, dbt or CLI), under a minute
test-fast: install
	$(PY) -m pytest -q -m unit

## install-spark: the optional Spark engine (.[spark]: dbt-spark, pyspark); needs Java 17
install-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) pyproject.toml
	@java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])' || { echo "Spark needs Java 17 or later on PATH (java -version)"; exit 1; }
	$(VENV)/bin/pip install --quiet -e '.[dev,bi,spark]'
	@touch $@

## test-spark: golden scenario + generated `small` data on Spark and DuckDB; marts must be equal
test-spark: install-spark
	$(PY) -m pytest -q -m spark tests/spark --basetemp=$(CURDIR)/.pytest_spark

## bench: speed and memory on the `bench` profile (generated once into bench/data, cached):
## full run, nightly on full and half history, no new logs, the floor script; bench/results.json
bench: install
	$(PY) -m bench

## bench-scale: one full run over 4 x bench with DuckDB's memory_limit at 1 GB (spills)
bench-scale: install
	$(PY) -m bench --scale-test

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd dbt && ../$(VENV)/bin/sqlfluff lint models --processes 2

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

DAGSTER_ENV = PATH="$(abspath $(VENV))/bin:$$PATH" DAGSTER_HOME="$(abspath $(DATA_DIR))/.dagster" \
	PARTNER_DATA_DIR="$(abspath $(DATA_DIR))" DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS=1

## dev: the Dagster UI on the same instance the run command records runs in
dev: install
	@mkdir -p "$(DATA_DIR)/.dagster" && cp -n dagster.yaml "$(DATA_DIR)/.dagster/" 2>/dev/null || true
	$(DAGSTER_ENV) $(VENV)/bin/dagster dev

## daemon: the nightly schedule and the sensors (late files; transform after each load), without the UI
daemon: install
	@mkdir -p "$(DATA_DIR)/.dagster" && cp -n dagster.yaml "$(DATA_DIR)/.dagster/" 2>/dev/null || true
	$(DAGSTER_ENV) $(VENV)/bin/dagster-daemon run -w workspace.yaml

## docs: build the dbt docs (every model and column described) and serve them on DOCS_PORT
docs: install
	cd dbt && ../$(VENV)/bin/dbt docs generate --profiles-dir . --target-path target/docs && \
		../$(VENV)/bin/dbt docs serve --profiles-dir . --target-path target/docs --port $(DOCS_PORT) --no-browser

## report: DATA_DIR/report.html from the published marts (self-contained, opens offline)
report: install
	$(PY) -m dagster_project report --data-dir "$(DATA_DIR)"

clean:
	rm -rf $(DATA_DIR)/raw $(DATA_DIR)/warehouse.duckdb* $(DATA_DIR)/marts.duckdb $(DATA_DIR)/.dagster dbt/target \
		$(DATA_DIR)/spark $(DATA_DIR)/.duckdb_tmp
