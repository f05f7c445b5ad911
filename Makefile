# Two commands from a fresh clone, with only Python 3.11+ and make:
#   make demo   the sandbox with a funded demo account and a market maker (htx-sandbox serve --demo)
#   make test   the whole test suite
# Each creates $(VENV) if needed and (re)installs the package into it only when pyproject.toml
# changed since the last install (a stamp file in $(VENV) remembers it).
#   make test VENV=/tmp/venv    use another virtual environment (CI passes its own)
#   make test ARGS="tests/cli"  pass arguments to pytest

PYTHON ?= python3
VENV ?= .venv
ARGS ?=
BIN := $(VENV)/bin

.PHONY: demo test install dev

demo: install
	$(BIN)/htx-sandbox serve --demo

test: dev
	$(BIN)/python -m pytest $(ARGS)

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

# The dev extra includes the package itself, so it renews both stamps.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@ $(VENV)/.installed

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" || \
		{ echo "htx-sandbox needs Python 3.11 or newer: make PYTHON=python3.11 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
