# The two commands of the README. Both set everything up on a fresh machine (Python 3.11+):
#   make run   - the bot (console chat on SQLite when BOT_TOKEN is not set)
#   make test  - the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test console migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

console: $(STAMP)
	$(BIN)/python -m bot console

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

# With TEST_DATABASE_URL (CI), the suite runs as two halves side by side, one per core: the
# PostgreSQL runs of the storage and flow tests, and everything else (SQLite, end-to-end, CLI).
test: $(STAMP)
ifeq ($(strip $(TEST_DATABASE_URL)),)
	$(BIN)/python -m pytest
else
	$(BIN)/python -m pytest -k postgresql --basetemp=.pytest-tmp-postgresql > .pytest-postgresql.log 2>&1 & pg=$$!; \
	$(BIN)/python -m pytest -k "not postgresql" --basetemp=.pytest-tmp-rest; rest=$$?; \
	wait $$pg; pgs=$$?; echo "=== the PostgreSQL half (exit $$pgs) ==="; cat .pytest-postgresql.log; \
	exit $$(( rest || pgs ))
endif

clean:
	rm -rf $(VENV) .pytest_cache
