# The two commands the README promises: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test system-deps bench docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Until the web page lands: show the CLI on the sample config.
serve: $(STAMP)
	$(BIN)/upstream-tls check examples/broken.conf || true
	$(BIN)/upstream-tls fix --diff examples/broken.conf

system-deps:
	bash scripts/system-deps.sh

test: system-deps $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet gixy-next
	$(BIN)/python bench/bench_check.py

docs: $(STAMP)
	$(BIN)/upstream-tls rule --format docs > docs/rules.md
