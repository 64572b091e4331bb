# `make demo` and `make test` each set themselves up from nothing (venv + install).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: demo test test-long lint venv bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

venv: $(PY)

demo: $(PY)
	$(PY) -m pip install -q -e .
	$(PY) -m jaxdl.cli run all --quick --out runs/demo

test: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pytest -m "not long" $(PYTEST_ARGS)

test-long: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pytest -m long $(PYTEST_ARGS)

lint: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m ruff check jaxdl scripts tests notebooks

clean:
	rm -rf runs .pytest_cache
