# Two commands: `make run` and `make test`. Both create .venv/ when missing and install
# the pinned dependencies from pyproject.toml first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean-outputs browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wirewash run

test: $(STAMP) browser
	$(BIN)/python -m pytest

# tests/test_report.py opens report.html in Debian's headless chromium: install it when missing
# and root (elsewhere those tests skip and say why, except under CI, where they fail)
browser:
	@test -x /usr/bin/chromium || [ "$$(id -u)" != 0 ] || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# the scale benchmark (issue #8): builds a ~22,000-file corpus from ../shared under bench/work/, runs the
# pipeline and the baselines, writes bench/results/bench.json and bench.md; 10-15 min on 2 cores. Never run by tests.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dask]'
	$(BIN)/python -m bench.run

clean-outputs:
	rm -rf clean reports .wirewash
