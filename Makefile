# The two commands of the README: `make demo` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The browser test drives Debian's Chromium through Debian's chromedriver (never a downloaded
# browser); CJK and emoji fonts make the screenshot readable. CI runs as root, others use sudo.
BROWSER_FILES := /usr/bin/chromium /usr/bin/chromedriver /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
                 /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint install browser nginx screenshot bench rush reliability fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/interview-bot demo

# The slow-client tests run config/nginx-site.conf in Debian's nginx, installed the same way.
# (`browser` depends on it so that `make test` installs both without a step of its own.)
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		echo "installing nginx for the slow-client tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	fi

browser: nginx
	@for f in $(BROWSER_FILES); do [ -e $$f ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "installing chromium, chromium-driver and fonts for the browser test"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji >/dev/null; \
	fi

# Type-checked in `make test`, strict (pyproject.toml): every package of the bot and the
# development kit beside it.
TYPED := crypto config store commands bot devkit

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy --follow-imports=silent $(TYPED)

test: $(STAMP) browser lint
	$(PY) -m pytest -q

# Re-take docs/simulator.png (the browser test only writes it when it is missing).
screenshot: $(STAMP) browser
	UPDATE_SCREENSHOT=1 $(PY) -m pytest -q tests/e2e/test_browser.py

bench: $(STAMP)
	$(PY) bench/run.py

# The 09:00 rush (issue 14): 3,000 agendas due at once, against the fake with WeCom's limits on;
# ~2 min a run on 2 cores. Figures: bench/rush-results.md.
rush: $(STAMP)
	$(PY) bench/rush.py --workers 2
	$(PY) bench/rush.py --workers 4

# Retry storm, PostgreSQL restart, WeCom API faults, SIGKILLed workers, slow clients (through
# nginx and straight at gunicorn), a half-open partition and a frozen database; ~9 min on 2 cores.
# RELIABILITY_ARGS="--results reliability/RESULTS.md" also writes the figures down.
reliability: $(STAMP) nginx
	$(PY) reliability/run.py $(RELIABILITY_ARGS)

# Coverage-guided fuzzing with atheris, FUZZ_TIME seconds per harness; not part of `make test`.
FUZZ_TIME ?= 60
fuzz: $(STAMP)
	$(PY) -m pip install --quiet -e '.[fuzz]' --config-settings editable_mode=compat
	for h in fuzz/fuzz_*.py; do \
		echo "== $$h"; $(PY) $$h -max_total_time=$(FUZZ_TIME) -print_final_stats=1 || exit 1; \
	done

clean:
	rm -rf $(VENV) instance .pytest_cache
