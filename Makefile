# Podium: `make run` opens the app with its bundled server, `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST := QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

# Debian packages the app loads at run time: PortAudio, GLib (QtCore), fonts, GL/EGL and Qt's xcb
# platform plugin; Xvfb runs the app on a machine without a screen. python3-venv is added only
# when the Python in use has no ensurepip (Debian's own python3 lacks it).
SYSTEM_PACKAGES := libportaudio2 libglib2.0-0 libegl1 libgl1 libopengl0 libfontconfig1 \
	libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 \
	libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 \
	libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libx11-xcb1 libgssapi-krb5-2 fonts-dejavu-core \
	xvfb xauth
# What the tests add: Chromium checks server pages, coturn relays media, nftables and nginx make
# the NAT, firewall and reverse-proxy networks the tests build in namespaces of their own.
TEST_PACKAGES := chromium coturn nftables nginx-light iproute2

.PHONY: install test-install system-deps test-deps apt-packages venv run run-headless install-desktop server test test-fresh soak lint mypy bench clean

install: system-deps
	@$(MAKE) --no-print-directory venv

# Service packages are installed with RUNLEVEL=1 so that their init scripts start nothing.
system-deps:
	@$(MAKE) --no-print-directory apt-packages PACKAGES="$(SYSTEM_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory apt-packages PACKAGES="$(TEST_PACKAGES)"

apt-packages:
	@missing=$$(for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done; $(PYTHON) -c 'import ensurepip' 2>/dev/null || echo python3-venv); \
	missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else \
			echo "Podium needs these Debian packages, and installing them needs root:" >&2; \
			echo "    sudo apt-get install $$missing" >&2; \
			echo "Run that as root (or make sudo available), then run make again." >&2; \
			exit 1; \
		fi; \
		echo "Installing system packages: $$missing"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# A .venv left half-made (no pip, or a Python that no longer runs) is made again, not trusted;
# the packages are installed again when pyproject.toml or constraints.txt changed.
venv:
	@if [ -d $(VENV) ] && ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
		echo "$(VENV) is broken; making it again"; rm -rf $(VENV); \
	fi
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ] || [ constraints.txt -nt $(STAMP) ]; then \
		set -e; \
		test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; \
		$(BIN)/python -m pip install -q --upgrade pip; \
		$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'; \
		touch $(STAMP); \
	fi

run: install
	@$(BIN)/python -m app

# The app on a virtual screen, for a machine without a display.
run-headless: install
	@xvfb-run -a $(BIN)/python -m app

# For this user: the desktop file that opens podium:// links in this checkout's app.
DESKTOP_DIR := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/applications
install-desktop:
	@test -x $(BIN)/python || { echo "Run make install first: $(BIN)/python is missing" >&2; exit 1; }
	@mkdir -p "$(DESKTOP_DIR)"
	@sed -e 's|^Exec=podium |Exec="$(CURDIR)/$(BIN)/python" -m app |' \
		-e 's|^Icon=podium$$|Icon=$(CURDIR)/resources/icons/podium.svg|' \
		resources/podium.desktop > "$(DESKTOP_DIR)/podium.desktop"
	@if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$(DESKTOP_DIR)"; fi
	@if command -v xdg-mime >/dev/null; then xdg-mime default podium.desktop x-scheme-handler/podium; \
	else echo "xdg-mime is not installed: podium:// links may not open Podium yet"; fi
	@echo "Installed $(DESKTOP_DIR)/podium.desktop"

server: install
	$(BIN)/python -m server

test-install: install test-deps

test: test-install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(PYTEST)

# A minimal Debian 12 (git, make, python3 only) made with debootstrap runs `make test` on a clone.
test-fresh:
	bash tools/test-fresh.sh

# The app in a meeting with three video bots and both cores busy, for ten minutes.
soak: install
	PODIUM_SOAK_SECONDS=600 $(PYTEST) tests/app/ui/meeting/test_soak.py

mypy: install
	$(BIN)/mypy

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	@$(BIN)/python bench/accounts.py
	@$(BIN)/python bench/join.py
	@$(BIN)/python bench/sfu_fanout.py --viewers 30 --seconds 10
	@$(BIN)/python bench/login_flood.py
	@$(BIN)/python bench/chat_fanout.py
	@$(BIN)/python bench/client_grid.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
