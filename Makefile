# fieldops — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 5000

.DEFAULT_GOAL := help
.PHONY: help setup db run demo test test-fast lint format chromium bench screenshots clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/.installed ## Create the virtualenv and install fieldops with its dev tools

db: setup ## Create or upgrade the database in instance/
	$(BIN)/fieldops init

run: db ## Serve the live demo on http://127.0.0.1:5000 (simulated officers on the NYC course)
	$(BIN)/fieldops demo --host $(HOST) --port $(PORT)

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

test: setup chromium ## Run the whole suite (services, API, sockets, browser)
	$(BIN)/pytest

test-fast: setup ## Run the suite without the browser tests
	$(BIN)/pytest -m "not browser"

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## Apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## Live benchmark: 1,000 officers, 10 dashboards, incidents, dispatches, help alarms (docs/performance.md)
	$(BIN)/python bench/live.py --officers 1000 --dashboards 10 --duration 60

screenshots: setup chromium ## Every screen at phone and laptop size, from the live demo, in test-artifacts/screenshots/
	$(BIN)/python -m tests.screenshots

clean: ## Remove the virtualenv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
