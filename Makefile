# Two commands for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
# Everything else is installed here, from the lock file, into .venv.

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: install demo test bench lint dbt-parse clean stop

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(BIN)/samadhan: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch $@

install: $(BIN)/samadhan dbt_project/target/manifest.json

# Cosmos reads the dbt manifest instead of parsing the project when the DAG file is parsed.
dbt_project/target/manifest.json: $(BIN)/samadhan $(shell find dbt_project -name '*.sql' -o -name '*.yml' 2>/dev/null)
	$(BIN)/samadhan dbt-parse

dbt-parse: $(BIN)/samadhan
	$(BIN)/samadhan dbt-parse

demo: install
	$(BIN)/samadhan demo

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/samadhan bench --scale $(or $(SCALE),district)

lint: install
	$(BIN)/ruff check include dags tests
	$(BIN)/sqlfluff lint dbt_project/models

stop:
	-$(BIN)/samadhan db stop

clean: stop
	rm -rf $(VENV) $(TOOLS) .samadhan landing output
