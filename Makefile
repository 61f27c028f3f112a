# SafeCase — the two commands: `make run` and `make test` (both work on a fresh clone).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations browser lint format migrate seed worker bench load clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations

# Compiled message catalogues are build output, made from the committed .po files.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations

# Browser tests drive Debian's Chromium; install it when missing (CI and fresh machines).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

migrate: install
	$(FLASK) db upgrade
	$(FLASK) codes load-defaults

seed: migrate
	$(FLASK) seed demo

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(FLASK) worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench

# The load test of the production shape (needs PostgreSQL and Redis on 127.0.0.1; ~15 min).
load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
