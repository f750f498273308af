# Two commands: `make run` and `make test`. Both create .venv/ when missing and install wirewash with the
# versions pinned in constraints.txt: `make run` only what running needs, `make test` the test extra too.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lock clean-outputs browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/wirewash run

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest

# tests/report/test_report.py opens report.html in Debian's headless chromium: install it when missing
# and root (elsewhere those tests skip and say why, except under CI, where they fail)
browser:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# the scale benchmark: builds a ~22,000-file corpus from ../shared under bench/work/ (and a tenth of it), runs the
# pipeline on both and on a local Dask cluster, then the baselines, writes bench/results/bench.json and bench.md
# (measures, and goals with yes/no); 20 min or more on 2 cores. Never run by tests.
bench: $(TEST_STAMP)
	$(PIP) -e '.[test,dask]'
	$(BIN)/python -m bench.run

# re-resolve every dependency (newest versions the ranges in pyproject.toml allow) into constraints.txt
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test,dask,redis]'
	{ echo "# Pinned versions of every package wirewash and its test, dask and redis extras install, as tested."; \
	  echo "# make installs with 'pip install -c constraints.txt'; 'make lock' rewrites this file from a fresh resolve."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^wirewash'; } > constraints.txt
	rm -rf .lock-venv

clean-outputs:
	rm -rf clean reports .wirewash
