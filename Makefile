# `make demo` and `make test` each set themselves up from nothing (venv + install).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
NB_EXECUTE ?= force

.PHONY: demo test test-long lint docs venv bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

venv: $(PY)

demo: $(PY)
	$(PY) -m pip install -q -e .
	$(PY) -m jaxdl.cli run all --quick --out runs/demo

# The parity tests run twice: with XLA's defaults on this CPU, then as the CLI runs (jaxdl.configure()'s flags) with
# XLA:CPU held to AVX2, so that a tolerance fitted to one CPU's vector width fails here too.
test: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pytest -m "not long and not docs" $(PYTEST_ARGS)
	JAXDL_TEST_XLA=cli XLA_FLAGS="$(XLA_FLAGS) --xla_cpu_max_isa=AVX2" $(PY) -m pytest -m "parity and not long" $(PYTEST_ARGS)

test-long: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pytest -m long $(PYTEST_ARGS)

# The site (docs/ -> site/), warnings as errors, the notebooks executed in quick mode; then opened in headless Chromium,
# and the notebooks' own test (each runs and answers with its tables and figures), kept out of make test's time.
# NB_EXECUTE=off skips the notebooks' execution (for editing prose).
docs: $(PY)
	$(PY) -m pip install -q -e '.[docs]'
	rm -rf site build/doctrees docs/api jupyter_execute
	JAXDL_DOCS_EXECUTE=$(NB_EXECUTE) $(PY) -m sphinx -b html -E -W --keep-going -d build/doctrees docs site
	$(PY) -m pytest -m docs tests/docs tests/cli/test_notebooks.py $(PYTEST_ARGS)

lint: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m ruff check jaxdl scripts tests notebooks docs

clean:
	rm -rf runs .pytest_cache site build docs/api jupyter_execute
