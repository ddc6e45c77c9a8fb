# The two commands a newcomer needs: `make chat` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: chat test bench lint install clean browser

## browser: Debian's chromium and the Nanum fonts for the console's browser tests (apt, only when missing)
browser:
	@if [ ! -x /usr/bin/chromium ] || ! ls /usr/share/fonts/truetype/nanum/NanumGothic*.ttf >/dev/null 2>&1; then \
		echo "installing chromium and fonts-nanum with apt"; \
		apt-get update && apt-get install -y chromium fonts-nanum; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## chat: talk to 길잡이 in the terminal (embedded SQLite in the data directory)
chat: $(STAMP)
	$(BIN)/giljabi chat

## test: the whole suite (PostgreSQL tests run when GILJABI_TEST_POSTGRES_URL is set)
test: $(STAMP) browser
	$(BIN)/python -m pytest

## bench: NLU, search and server benchmarks, printed side by side
bench: $(STAMP)
	@for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
