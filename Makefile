# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
TEST_WORKERS ?= 2
SERIAL_TESTS := tests/browser tests/realtime tests/integration tests/infra

.PHONY: run test install install-dev messages lint typecheck test-deps serve bench clean

# Development is asked for, never a default: debug mode, and a secret key made once for this
# checkout (kept out of git in var/).
DEV_KEY := var/dev-secret-key
run: export DEBUG := true
run: export SECRET_KEY_FILE := $(CURDIR)/$(DEV_KEY)

run: install messages $(DEV_KEY) ## Run the platform on embedded defaults with demo data
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Espace collaboratif : http://$(HOST):$(PORT)/"
	@echo "  Comptes de démonstration (mot de passe : espace-demo) :"
	@echo "    anim@exemple.qc.ca     animation des six espaces"
	@echo "    membre1@exemple.qc.ca  membre des six espaces"
	@echo "    membre2@exemple.qc.ca  membre de cinq espaces (pas accompagnement)"
	@echo ""
	@# The task worker (digests, reminders, text extraction) runs beside the server and stops
	@# with it.
	$(BIN)/python manage.py db_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m collab.devserver -b $(HOST) -p $(PORT) collab.asgi:application

$(DEV_KEY):
	@mkdir -p $(@D)
	@umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50), end='')" > $@

test: install-dev test-deps messages ## Install everything the tests need, then run them all
	$(BIN)/ruff check .
	$(BIN)/mypy .
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py makemigrations --check --dry-run
	@# Tests that only talk to PostgreSQL, Redis and servers on their own ports run on every
	@# core (pytest-xdist gives each worker its own test database and channel prefix); those
	@# that time live delivery, start whole server stacks or drive Chromium run alone, so a
	@# neighbour's burst cannot make their deadlines lie.
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(foreach d,$(SERIAL_TESTS),--ignore=$(d)) $(PYTEST_ARGS)
	$(BIN)/pytest $(SERIAL_TESTS) $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"

test-deps: ## Debian's Chromium for the browser tests (never a downloaded browser)
	infra/install-test-deps.sh

messages: ## Compile translations (French is the source language, so this only feeds English)
	@if ! ls frontend/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then :; \
	elif command -v msgfmt >/dev/null; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt absent (paquet gettext) : interface en français seulement."; fi

bench: install-dev
	$(BIN)/python -m bench.fanout

clean:
	rm -rf $(VENV) var
