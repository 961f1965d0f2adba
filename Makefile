# Set-up, run and test targets. `make run` and `make test` do all set-up first.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(wildcard plugins/*/pyproject.toml)
SYSTEM_PACKAGES := chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
# Only the tests need these: the IMAP import tests start their own Dovecot on 127.0.0.1.
TEST_SYSTEM_PACKAGES := dovecot-imapd

# The first Python >= 3.12 on PATH, then under pyenv.
define find_python
for candidate in python3.13 python3.12 python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help setup system-packages test-system-packages venv catalogs database run test extract-messages update-catalogs clean

help:
	@echo "make run    set up and serve cxaudit on http://127.0.0.1:5000 (another port: make run PORT=8080)"
	@echo "make test   set up and run the whole test suite"

setup: system-packages venv catalogs

# Install the Debian packages named in $(1) that are missing: with apt-get as
# root, otherwise name them and stop.
define install_packages
@missing=""; for package in $(1); do \
  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ]; then \
  echo "Installing Debian packages:$$missing"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
else \
  echo "cxaudit needs these Debian packages:$$missing"; \
  echo "Install them as root: sudo apt-get install$$missing"; exit 1; \
fi
endef

system-packages:
	$(call install_packages,$(SYSTEM_PACKAGES))

test-system-packages:
	$(call install_packages,$(TEST_SYSTEM_PACKAGES))

$(BIN)/python:
	@python=$$($(find_python)) || { \
	  echo "cxaudit needs Python 3.12 or newer. Install python3.12 or python3.13 (or one under pyenv) and run make again."; exit 1; }; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml $(PLUGINS)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' $(foreach plugin,$(PLUGINS),-e $(dir $(plugin)))
	touch $@

venv: $(VENV)/.installed

# Built-in plugins with messages of their own keep a babel.cfg beside their
# pyproject.toml and their catalogs in <package>/translations.
PLUGIN_CATALOGS := $(foreach config,$(wildcard plugins/*/babel.cfg),$(wildcard $(dir $(config))*/translations))
KEYWORDS := -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2

# Click's own messages ("Usage:", "Error: ...") form the "click" domain,
# extracted from the installed Click, so `make update-catalogs` after a Click
# upgrade brings in its new messages. Click marks them with gettext's default
# keywords (_ and ngettext).
CLICK_SOURCE = $$($(BIN)/python -c 'import click, os; print(os.path.dirname(click.__file__))')
CLICK_VERSION = $$($(BIN)/python -c 'from importlib.metadata import version; print(version("click"))')

catalogs: venv
	$(BIN)/pybabel compile -d translations --statistics
	$(BIN)/pybabel compile -D click -d translations --statistics
	@for catalogs in $(PLUGIN_CATALOGS); do $(BIN)/pybabel compile -d $$catalogs --statistics || exit 1; done

database: setup
	$(BIN)/cxaudit init

# `make run PORT=8080` serves on another port.
PORT ?= 5000

run: database
	$(BIN)/cxaudit serve --port $(PORT)

test: setup test-system-packages
	$(BIN)/pytest $(PYTEST_ARGS)

extract-messages: venv
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) -o translations/messages.pot --no-location --sort-by-file --project cxaudit .
	$(BIN)/pybabel extract -o translations/click.pot --no-location --sort-by-file --project Click --version $(CLICK_VERSION) $(CLICK_SOURCE)
	@for catalogs in $(PLUGIN_CATALOGS); do \
	  plugin=$${catalogs%/*/translations}; \
	  (cd $$plugin && $(CURDIR)/$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) -o $(CURDIR)/$$catalogs/messages.pot --no-location --sort-by-file --project $$(basename $$plugin) .) || exit 1; \
	done

update-catalogs: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel update -D click -i translations/click.pot -d translations --no-fuzzy-matching --ignore-obsolete
	@for catalogs in $(PLUGIN_CATALOGS); do $(BIN)/pybabel update -i $$catalogs/messages.pot -d $$catalogs --no-fuzzy-matching --ignore-obsolete || exit 1; done

clean:
	rm -rf $(VENV) instance
