# Clinic assistant: `make run` starts everything, `make test` runs every check CI runs.
# Both install what is missing first (virtual environment, npm packages, Debian packages).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2

# Rasa 3.6 needs Python 3.10: pyenv's 3.10.13 (see .python-version), else python3.10 on PATH.
PYTHON310 := $(shell pyenv which python3.10 2>/dev/null || command -v python3.10 2>/dev/null)

# What the model is made from: a change to any of these trains it again (the tokenizer code too,
# as it shapes the features; its fingerprint_addon tells Rasa so).
TRAIN_INPUTS := config.yml clinic.yml addons/apostrophe_tokenizer.py \
	$(shell find domain data -name '*.yml' 2>/dev/null)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install system-deps node-deps web-deps env train run shell test lint validate stories bench \
	crossval clean staff-user

help:
	@echo "make run      install, train if needed, start everything on localhost (Ctrl-C stops)"
	@echo "make test     install, train if needed, run every check (what CI runs)"
	@echo "make train    train the model (reuses the cache when nothing changed)"
	@echo "make shell    chat with the running assistant in this terminal"
	@echo "make staff-user NAME=dana [ROLE=admin] [DISPLAY='Dana R.']  staff console account"
	@echo "make lint     ruff"
	@echo "make bench    benchmarks (see bench/README.md)"
	@echo "make crossval NLU cross-validation (slow)"

# --- installation -----------------------------------------------------------------------------

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on newer versions)."; \
	  echo "Install it with: pyenv install 3.10.13"; exit 1; fi
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	@# One resolver run for everything, so Rasa's pins hold; `pip check` proves it.
	$(PY) -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	$(PY) -m pip check
	@touch $(STAMP)

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser),
# and Debian's postgresql, on which the console's tests run a second time (CONSOLE_DB_URL).
SYSTEM_PACKAGES := $(if $(shell command -v chromium),,chromium fonts-liberation) \
	$(if $(wildcard /usr/lib/postgresql/*/bin/postgres),,postgresql)

system-deps:
	@if [ -n "$(strip $(SYSTEM_PACKAGES))" ]; then \
	  echo "Installing Debian packages for the tests: $(strip $(SYSTEM_PACKAGES))"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(SYSTEM_PACKAGES); fi

# npm packages: the Medplum FHIR server the client is tested against (exact versions, lockfile).
node-deps: tests/peer/medplum/node_modules/.package-lock.json

tests/peer/medplum/node_modules/.package-lock.json: tests/peer/medplum/package-lock.json
	cd tests/peer/medplum && npm ci --no-audit --no-fund --loglevel=error

# npm packages of the chat widget: the Socket.IO browser client, served from web/node_modules.
web-deps: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

env: .env

.env: .env.example
	$(PY) scripts/ensure_env.py

# --- model ------------------------------------------------------------------------------------

train: install models/.trained

# The stamp takes the time training started: a file edited while it trains is newer than the
# stamp, so the next run trains again (the model only has what was read at the start).
models/.trained: $(TRAIN_INPUTS) | $(STAMP)
	$(PY) scripts/sync_clinic.py
	@mkdir -p models && touch models/.training-started
	$(RASA) train --domain domain --data data --config config.yml --out models --num-threads 2
	@mv models/.training-started $@

# --- running ----------------------------------------------------------------------------------

run: install web-deps env train
	$(PY) -m launcher

shell: install env
	@set -a; source .env; set +a; \
	$(PY) scripts/chat.py --url "$${RASA_URL:-http://localhost:5005}"

# A staff console account; asks for the password (docs/console.md).
staff-user: install env
	@test -n "$(NAME)" || { echo "usage: make staff-user NAME=dana [ROLE=admin] [DISPLAY='Dana R.']"; exit 1; }
	$(PY) -m console create-user "$(NAME)" --role "$(or $(ROLE),staff)" \
	  $(if $(DISPLAY),--display-name "$(DISPLAY)")

# --- checks -----------------------------------------------------------------------------------

test: install system-deps node-deps web-deps env train
	$(PY) scripts/sync_clinic.py --check
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory validate
	$(PY) -m pytest
	$(MAKE) --no-print-directory stories

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

validate: install
	$(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

stories: install train
	$(RASA) test core --model models --stories tests/stories --fail-on-prediction-errors \
	  --out results/stories

crossval: install
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 \
	  --out results/crossval

bench: install train
	$(PY) bench/run_all.py

clean:
	rm -rf models results .rasa test-artifacts .pytest_cache .ruff_cache
