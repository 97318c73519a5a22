# The two commands the README promises: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WHEELHOUSE := $(VENV)/wheelhouse

.PHONY: serve dist test system-deps bench bench-shapes bench-web docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The static site in dist/ (build/build.py: Pyodide, wheels, lock, bundle).
dist: $(STAMP)
	$(BIN)/python build/build.py

# Build the page and serve it on 127.0.0.1 (prints the URL).
serve: dist
	$(BIN)/python build/serve.py --port $${PORT:-8000}

system-deps:
	bash scripts/system-deps.sh

# Wheels pre-commit's pip installs our hook from, fetched now so tests need no network.
$(WHEELHOUSE): tests/precommit-requirements.txt $(STAMP)
	$(BIN)/python -m pip download --quiet --dest $@ -r $<
	touch $@

test: system-deps dist $(WHEELHOUSE)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet gixy-next
	$(BIN)/python bench/bench_check.py

# check's growth on wide and deep blocks (sibling ifs, nested ifs, many locations).
bench-shapes: $(STAMP)
	$(BIN)/python bench/bench_shapes.py

# Cold start of the built page vs bare Pyodide, and editor interactivity, in Chromium.
bench-web: dist
	$(BIN)/python bench/bench_web.py

docs: $(STAMP)
	$(BIN)/upstream-tls rule --format docs > docs/rules.md
