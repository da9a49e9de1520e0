# Two commands do all set-up on a fresh machine with python3, make and git:
#   make site   creates .venv on first use, installs the project, builds _site/
#   make test   the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

.PHONY: site test serve check lint compat bench clean

$(READY): pyproject.toml constraints.txt
	@$(PYTHON) tools/make_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(READY)

# Test-only JavaScript tools (axe-core, the Nu HTML Checker) at the versions in package-lock.json;
# reinstalled when the lock changes. --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime.
NODE_TOOLS := tools/browser/node_modules/.package-lock.json
$(NODE_TOOLS): tools/browser/package.json tools/browser/package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js and npm (Debian: apt-get install nodejs npm; or run bash .ci/run as root)" >&2; exit 1; }
	cd tools/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

site: $(READY)
	$(BIN)/python -m generator build

check: $(READY)
	$(BIN)/python -m generator check

serve: $(READY)
	$(BIN)/python -m generator serve

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade), the formatter, mypy --strict on generator/.
lint: $(READY)
	$(BIN)/python -m ruff check generator tests bench tools
	$(BIN)/python -m ruff format --check generator tests bench tools
	$(BIN)/python -m mypy

test: lint $(NODE_TOOLS)
	$(BIN)/python -m pytest

# The oldest Python with the lowest allowed dependencies, the newest with the newest tested ones.
compat:
	bash tools/compat.sh

bench: $(READY)
	$(BIN)/python bench/run.py

clean:
	rm -rf _site .cache ._site.spare ._site.identities ._site.lock .venv-compat-*
