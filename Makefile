# fieldops — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST   ?= 127.0.0.1
PORT   ?= 5000
TLS_PORT ?= 5443

.DEFAULT_GOAL := help
.PHONY: help setup lock db run demo test test-fast lint format chromium node haproxy system-libs bench cluster screenshots clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

# constraints.txt pins the exact versions the suite was run with (pyproject keeps the ranges).
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# Bytecode for fieldops itself, also where PYTHONDONTWRITEBYTECODE is set (pip compiled the
# rest): a server starting compiles nothing, half a second sooner back after a restart.
setup: system-libs $(BIN)/.installed ## Create the virtualenv and install fieldops with its dev tools (pinned)
	@$(BIN)/python -m compileall -q fieldops

# WeasyPrint (the report's PDF) needs Pango and HarfBuzz; the tests read PDFs with poppler's
# pdftotext. Installed with apt when missing.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
system-libs: ## Install the system libraries the PDF report needs (Debian packages) when missing
	@missing="$$(for p in $(PDF_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing (Debian packages) for the PDF report"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

lock: setup ## Re-pin constraints.txt to the virtualenv (after adding or upgrading a dependency)
	{ echo "# Exact versions tested (make lock); make setup installs with -c constraints.txt."; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -v -E '^(setuptools|wheel)=='; } > constraints.txt

db: setup ## Create or upgrade the database in instance/
	$(BIN)/fieldops init

run: db ## Serve the live demo: HTTP on HOST:PORT here, HTTPS on TLS_PORT for phones (NYC course)
	$(BIN)/fieldops demo --host $(HOST) --port $(PORT) --tls-port $(TLS_PORT)

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

node: ## Install Node.js when missing (tests run the pages' stream model under it)
	@command -v node >/dev/null 2>&1 || { \
	  echo "installing nodejs (Debian package) for the stream-model tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs; }

haproxy: ## Install Debian's HAProxy when missing (several processes behind one load balancer)
	@command -v haproxy >/dev/null 2>&1 || { \
	  echo "installing haproxy (Debian package) for several processes behind a load balancer"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy; }

# Two workers: most of a test's time is waiting on a server or a browser, so a 2-core machine
# runs two at once (tests/conftest.py keeps each file in one worker).
WORKERS ?= 2
test: setup chromium node haproxy ## Run the whole suite (services, API, sockets, real servers, browser)
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup --durations=20  # the slowest twenty, to keep the suite under 15 minutes

test-fast: setup node ## Only the tests that start nothing: in-process app, test clients, real databases
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup -m "not browser and not live"

lint: setup ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## Apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup ## Live benchmark: 1,000 officers, 10 dashboards, incidents, dispatches, help alarms (docs/performance.md)
	$(BIN)/python bench/live.py --officers 1000 --dashboards 10 --duration 60

cluster: setup haproxy ## Two processes on PostgreSQL and Redis behind HAProxy (README, "Running beyond one machine")
	$(BIN)/python bench/cluster.py --processes 2

screenshots: setup chromium ## Every screen at phone and laptop size, from the live demo, in test-artifacts/screenshots/
	$(BIN)/python -m tests.screenshots

clean: ## Remove the virtualenv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
