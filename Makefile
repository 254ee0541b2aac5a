# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV    ?= .venv
PY      := $(VENV)/bin/python
PYTHON  ?= python3
# Tests run against the real services, as CI and production do.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mocua
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0
DEBIAN_PACKAGES := chromium fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils

.PHONY: install demo test system-deps lint serve screens

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Debian packages WeasyPrint (Pango, fonts with Vietnamese glyphs) and the browser tests need.
system-deps:
	@if ! command -v chromium >/dev/null || ! dpkg -s fonts-noto-core libpangoft2-1.0-0 >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; \
	  else echo "Cài các gói Debian (cần quyền root): sudo apt-get install $(DEBIAN_PACKAGES)"; exit 1; fi; \
	fi

# DEBUG is off unless asked for (mocua/settings.py): the demo asks for it, for itself only.
demo: export DEBUG = true
demo: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py seed_demo_feedback
	$(PY) manage.py seed_demo_ratings
	@echo "Cổng một cửa: http://127.0.0.1:8000/  (API: /api/docs/, quản trị: /quan-tri/)"
	$(PY) manage.py serve_demo 127.0.0.1:8000

test: install system-deps
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(VENV)/bin/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# The screenshots of docs/screens.md: the browser crawl of every role's pages on the demo data, at
# 390 px and 1366 px, saving the main screens as PNG files (tests/browser/test_crawl.py).
screens: install system-deps
	SCREENS_DIR=$(CURDIR)/docs/screens \
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(VENV)/bin/pytest -q -p no:cacheprovider tests/browser/test_crawl.py
