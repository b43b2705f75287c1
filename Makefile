# Two commands do all the set-up on a fresh machine:
#   make run    install into .venv, then start the bot (the offline console without a token)
#   make test   install into .venv, then lint, type-check and run the whole test suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check i18n bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: check
	$(BIN)/pytest -q

# Re-extract message ids from the code and merge them into the three catalogs.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k t -k tt -k gt -k tn:1,2 -k N_ -k Invalid --no-location --sort-output \
		--omit-header -o bot/locales/messages.pot bot handlers scheduler storage
	for lang in lv lt en; do \
		$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -l $$lang \
			-i bot/locales/messages.pot -d bot/locales; \
	done
	$(BIN)/python -m bot.i18n_tools

# The benchmarks (a)–(g) of the README's Performance section and bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m bench
