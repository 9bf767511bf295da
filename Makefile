# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1

.PHONY: run test test-sqlite test-postgres chromium npm bench screenshots lint clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

## run: create the venv and database, make the first admin, load the sample, and serve
run: $(VENV)/.installed
	$(BIN)/annotator init
	$(BIN)/annotator bootstrap
	$(BIN)/annotator serve --host $(HOST) --port $(PORT)

AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
SHEETJS := $(VENV)/sheet/node_modules/xlsx/package.json

## test: the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: $(VENV)/.installed-test chromium $(AXE) $(SHEETJS) test-sqlite test-postgres

# Debian's package manager, as root or through sudo.
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); fi

## npm: two browser-side test tools (axe-core, SheetJS) come from the npm registry
npm:
	@if ! command -v npm >/dev/null; then \
		echo "Installing Debian's npm package: the tests fetch axe-core and SheetJS with it."; \
		$(call APT_INSTALL,npm); \
	fi

# axe-core (npm registry) checks the annotation page's accessibility inside Chromium.
$(AXE): | npm
	npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

# SheetJS (npm registry) reads our CSV the way a spreadsheet does: formulas and all.
$(SHEETJS): | npm
	npm install --silent --no-audit --no-fund --prefix $(VENV)/sheet xlsx@0.18

# The suite runs in parallel, one pytest-xdist worker per core (each with its own temporary folder,
# browser and PostgreSQL database); `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

test-sqlite: $(VENV)/.installed-test
	$(PYTEST)

test-postgres: $(VENV)/.installed-test
	@if [ -z "$$TEST_DATABASE_URL" ]; then \
		echo "TEST_DATABASE_URL is not set: skipping the PostgreSQL run (set it to run the suite there too)."; \
	elif $(BIN)/python -c "import os, psycopg; psycopg.connect(os.environ['TEST_DATABASE_URL'], connect_timeout=5).close()"; then \
		echo "Running the suite again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PYTEST) --db-url "$$TEST_DATABASE_URL"; \
	else \
		echo "PostgreSQL does not answer at TEST_DATABASE_URL=$$TEST_DATABASE_URL"; exit 1; \
	fi

## chromium: the browser tests drive Debian's Chromium (Playwright cannot download browsers here)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium package: the browser tests drive the real app in it."; \
		$(call APT_INSTALL,chromium); \
	fi

## bench: benchmarks with a baseline measured in the same run (each runs even if one before it misses a target)
bench: $(VENV)/.installed-test
	-$(BIN)/python bench/bench_save.py
	-$(BIN)/python bench/bench_page.py
	-$(BIN)/python bench/bench_segment.py
	-$(BIN)/python bench/bench_import.py
	-$(BIN)/python bench/bench_export.py
	-$(BIN)/python bench/bench_public.py
	-$(BIN)/python bench/bench_login.py
	-$(BIN)/python bench/bench_hardening.py
	-$(BIN)/python bench/bench_desk.py
	-$(BIN)/python bench/bench_claims.py
	-$(BIN)/python bench/bench_scale.py --scale 0.05

## screenshots: refresh the README's picture of the annotation page
screenshots: $(VENV)/.installed-test chromium
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_screenshot.py -q

## lint: ruff's checks and its formatting, as CI runs them
lint: $(VENV)/.installed-test
	$(BIN)/ruff check annotator tests bench
	$(BIN)/ruff format --check annotator tests bench

clean:
	rm -rf $(VENV) .pytest_cache
