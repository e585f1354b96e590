# The two set-up commands of the README:
#   make local   installs everything and runs the embedded runtime (until Ctrl-C)
#   make test    installs everything and runs the whole test suite (what CI runs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: install local test lint bench synth chromium clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[local,infra,test]'
	touch $(STAMP)

install: $(STAMP)

local: install
	$(BIN)/wecare-flows local $(ARGS)

# Chromium from Debian for the approval-page browser tests.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .

test: install chromium lint
	$(BIN)/python -m pytest -n 2 --dist loadfile $(ARGS)

bench: install
	$(BIN)/python scripts/benchmark.py $(ARGS)

synth: install
	CDK_OUTDIR=cdk.out $(BIN)/python app.py

clean:
	rm -rf $(VENV) cdk.out .pytest_cache .ruff_cache
