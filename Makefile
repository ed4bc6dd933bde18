# The course's commands. The two that matter:
#   make lab    install what is missing into .venv and open the course in JupyterLab
#   make test   install what is missing into .venv and run every test
# Everything installs into .venv next to this file; nothing touches the system Python
# (except `make test`, which installs Debian's chromium for the browser test when missing).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# JupyterLab refuses to run as root unless told (containers, CI, some cloud machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Tests run in 2 pytest workers on 2 cores: one BLAS thread each avoids oversubscription.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k perceptron"`.
PYTEST_ARGS ?=

# The tests of the training path, rerun by `make test-standin` with array-api-strict standing
# in for CuPy: every NumPy-only call between the data and the weights fails there, on the CPU,
# not on a student's GPU (tests/conftest.py reads NNEDU_ARRAY_BACKEND).
STANDIN_TESTS := tests/test_stand_in.py tests/test_layers.py tests/test_activations.py \
    tests/test_initializers.py tests/test_regularizers.py tests/test_gradcheck.py \
    tests/test_optimizers.py tests/test_callbacks.py \
    tests/test_losses.py tests/test_metrics.py tests/test_models.py tests/test_training.py \
    tests/test_training_loop.py tests/test_saving.py

# The widget tests, rerun with ipywidgets 7.7.1 (what Colab ships) by `make test-compat`.
WIDGET_TESTS := tests/test_viz_basic.py tests/test_viz_training.py tests/test_viz_backprop.py tests/test_viz_lr.py \
    tests/test_viz_playground.py tests/test_viz_conv.py tests/test_viz_cnn.py tests/test_viz_ipympl.py
COMPAT := .venv-compat

.PHONY: lab test test-fast test-standin test-compat test-oldest test-colab bench lesson-times exercises sync lint \
        chromium clean help nbgrader-venv

help:
	@echo "make lab          open the course in JupyterLab (installs into .venv first if needed)"
	@echo "make test         run every test: library, notebooks, exercises, widgets, browser"
	@echo "make test-standin the layer, loss and training tests with array-api-strict for CuPy"
	@echo "make test-compat  rerun the widget tests with ipywidgets 7.7.1 (Colab's version)"
	@echo "make test-oldest  the tests on the oldest supported stack (Python 3.10, numpy 1.24, ...)"
	@echo "make test-colab   lessons, solutions and widget tests on Colab's own versions (Python 3.13)"
	@echo "make bench        speed figures against PyTorch and per explorer"
	@echo "make lesson-times each lesson's run time against its 60 s budget"
	@echo "make exercises    regenerate exercises/ from solutions/"
	@echo "make sync         stamp badges and sync the notebooks with their .py twins"

# --- installation -----------------------------------------------------------------------
# A stamp file per set of extras: rebuilt when pyproject.toml changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# torch is pinned here, not in pyproject (which says torch>=2.1 so that a student's own
# torch on Colab or Kaggle is never replaced): 2.13.0 is the CPU build these machines have.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet torch==2.13.0 -e '.[dev,frameworks,browser]'
	touch $@ $(VENV)/.installed-dev

$(COMPAT)/.installed: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps --target $(COMPAT) \
	    ipywidgets==7.7.1 widgetsnbextension==3.6.10 jupyterlab_widgets==1.1.11 ipython_genutils==0.2.0
	touch $@

chromium:
	bash scripts/install-chromium.sh

# nbgrader in a venv of its own (its pins must not change .venv), for the test that feeds
# solutions/ to nbgrader (tests/test_grade_nbgrader.py skips when this venv is absent).
NBGRADER := .venv-nbgrader
$(NBGRADER)/.installed:
	$(PYTHON) -m venv $(NBGRADER)
	$(NBGRADER)/bin/python -m pip install --quiet nbgrader==0.9.6
	touch $@

nbgrader-venv: $(NBGRADER)/.installed

# --- the two commands -------------------------------------------------------------------
lab: $(VENV)/.installed-dev
	@echo "Starting JupyterLab on the course; open the http://127.0.0.1:$(PORT)/lab?token=... URL it prints."
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) \
	    --ServerApp.root_dir=$(CURDIR) $(ALLOW_ROOT) notebooks/00_welcome.ipynb

test: $(VENV)/.installed-test chromium $(NBGRADER)/.installed
	$(TEST_ENV) $(BIN)/python -m pytest -n auto --dist loadscope --nbval-lax \
	    --ignore=tests/browser_fixture tests notebooks solutions $(PYTEST_ARGS)
	$(MAKE) test-standin
	$(MAKE) test-compat

# The library and structure tests only (no notebooks, no browser): quick feedback.
test-fast: $(VENV)/.installed-test
	$(TEST_ENV) $(BIN)/python -m pytest -n auto -m "not browser" --ignore=tests/browser_fixture tests $(PYTEST_ARGS)

test-standin: $(VENV)/.installed-test
	$(TEST_ENV) NNEDU_ARRAY_BACKEND=array_api_strict $(BIN)/python -m pytest -n auto \
	    -p no:cacheprovider $(STANDIN_TESTS)

test-compat: $(VENV)/.installed-test $(COMPAT)/.installed
	$(TEST_ENV) PYTHONPATH=$(CURDIR)/$(COMPAT) NNEDU_EXPECT_IPYWIDGETS=7.7.1 \
	    $(BIN)/python -m pytest -n auto -p no:cacheprovider \
	    tests/test_widgets_version.py $(WIDGET_TESTS)

# The oldest versions nnedu supports, in a venv of their own (needs a python3.10).
PYTHON_OLDEST ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python) python3.10)
OLDEST := .venv-oldest
OLDEST_PINS := numpy==1.24.4 'matplotlib==3.7.*' ipywidgets==7.7.1

$(OLDEST)/.installed: pyproject.toml
	$(PYTHON_OLDEST) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet $(OLDEST_PINS) -e '.[dev]'
	touch $@

test-oldest: $(OLDEST)/.installed
	$(TEST_ENV) $(OLDEST)/bin/python -m pytest -n auto --dist loadscope --nbval-lax \
	    -m "not browser" --ignore=tests/browser_fixture --deselect tests/test_make_lab.py \
	    tests notebooks solutions $(PYTEST_ARGS)

# Colab's own stack (tests/colab-stack.txt) on Python 3.13: every lesson and solution notebook
# and the widget tests, so a Colab student never meets an error the suite did not.
PYTHON_COLAB ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) \
                  $(shell command -v python3.13 2>/dev/null))
COLAB := .venv-colab
# pyparsing < 3.3 as on Colab: matplotlib 3.10.0 predates 3.3's deprecation warnings.
COLAB_TOOLS := nbval pytest pytest-xdist nbclient nbformat hypothesis tqdm 'pyparsing<3.3'

$(COLAB)/.installed: tests/colab-stack.txt pyproject.toml
	$(PYTHON_COLAB) -m venv $(COLAB)
	$(COLAB)/bin/python -m pip install --quiet -r tests/colab-stack.txt $(COLAB_TOOLS)
	$(COLAB)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

test-colab:
	@if [ -z "$(PYTHON_COLAB)" ]; then \
	    echo "test-colab: no python3.13 on this machine, so Colab's stack cannot be tested here; skipped"; \
	else $(MAKE) --no-print-directory test-colab-run; fi

test-colab-run: $(COLAB)/.installed
	$(TEST_ENV) NNEDU_COLAB_STACK=$(CURDIR)/tests/colab-stack.txt NNEDU_EXPECT_IPYWIDGETS=7.7.1 \
	    $(COLAB)/bin/python -m pytest -n auto --dist loadscope --nbval-lax -p no:cacheprovider \
	    tests/test_colab_stack.py tests/test_widgets_version.py $(WIDGET_TESTS) notebooks solutions

# --- the rest ---------------------------------------------------------------------------
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py

# Each lesson's run time, top to bottom in a fresh kernel (the budget is 60 s on 2 cores).
lesson-times: $(VENV)/.installed-test
	$(TEST_ENV) $(BIN)/python benchmarks/lesson_times.py

exercises: $(VENV)/.installed-dev
	$(BIN)/nnedu build

sync: $(VENV)/.installed-dev
	$(BIN)/nnedu sync

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check nnedu tests benchmarks scripts

clean:
	rm -rf $(VENV) $(COMPAT) $(OLDEST) $(COLAB) $(NBGRADER) .pytest_cache .hypothesis
