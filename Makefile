# The commands people type. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fuzz lint format check messages clean-var venv bench-ingest bench-recompute bench-import bench-health bench-kb bench-dashboard bench-load

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

## Run the whole platform (web, Celery workers and beat) with demo data on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/python -m csplatform.stack

# The browser test drives the system's chromium through Playwright; no browser is downloaded.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
.PHONY: browser
test: browser

## Install Debian's chromium for the browser test when it is missing (as root, with apt-get)
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] \
				&& command -v apt-get >/dev/null; then \
			echo "Installing chromium for the browser test (apt-get)"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser test needs chromium at $(CHROMIUM). Install it as root" \
				"(apt-get install chromium) or set CHROMIUM=/path/to/chromium." >&2; \
			exit 1; \
		fi; \
	fi
	@test -x "$(CHROMIUM)" || { echo "chromium is still missing at $(CHROMIUM)" >&2; exit 1; }

## Run the whole test suite against real PostgreSQL and Redis (embedded unless URLs are set)
test: $(STAMP)
	DJANGO_SETTINGS_MODULE=csplatform.settings_test $(BIN)/python -m csplatform.embedded -- $(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

## Fuzz the API with generated requests (schemathesis, fixed seed); FUZZ_EXAMPLES=50 runs longer
fuzz: $(STAMP)
	DJANGO_SETTINGS_MODULE=csplatform.settings_test FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3} $(BIN)/python -m csplatform.embedded -- $(BIN)/python -m pytest -p no:xdist -m fuzz tests/fuzz

## Lint, check formatting and the import contracts (pyproject.toml), as CI does
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

## Format the code and apply the safe lint fixes
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Fail if a model change has no migration (the test settings need no SECRET_KEY)
check: $(STAMP)
	DJANGO_SETTINGS_MODULE=csplatform.settings_test $(BIN)/python -m csplatform.embedded -- $(BIN)/python manage.py makemigrations --check --dry-run

## Collect the strings marked for translation into locale/*/django.po, then compile them
messages: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python manage.py makemessages -l zh_Hans -l ru -l ro --ignore=.venv --ignore=var --ignore=staticfiles
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python manage.py compilemessages --ignore=.venv

## Benchmark event ingestion over HTTP against a raw COPY (ARGS="--events 20000 --clients 8")
bench-ingest: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.ingest $(ARGS)

## Benchmark a year's metrics backfill and a nightly run against a plain scan of the events
bench-recompute: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.recompute $(ARGS)

## Benchmark a year's health score history and a nightly scoring run against a plain scan of the events
bench-health: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.health $(ARGS)

## Benchmark of help center search over 10,000 articles against a slug lookup (ARGS="--articles 10000")
bench-kb: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.kb $(ARGS)

## Benchmark the portfolio, an account's page and the home page over 10,000 accounts against a pk lookup (ARGS="--accounts 10000 --days 60")
bench-dashboard: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.dashboard $(ARGS)

## Benchmark checking and applying a 400,000-row accounts file against a plain COPY of it (ARGS="--rows 100000")
bench-import: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.import_csv $(ARGS)

## Mixed traffic against gunicorn for DURATION seconds (60), then every acknowledged event stored once and no request failed (ARGS="--accounts 1000 --integrations 6")
bench-load: $(STAMP)
	$(BIN)/python -m csplatform.embedded -- $(BIN)/python -m bench.load $(if $(DURATION),--duration $(DURATION)) $(ARGS)

## Delete the embedded PostgreSQL and Redis data (stop `make run` and tests first)
clean-var:
	rm -rf var
