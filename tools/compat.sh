#!/usr/bin/env bash
# The supported range, beside `make test` (newest tested dependencies on the default python3):
#   the oldest supported Python (3.11) with the lowest allowed dependencies (constraints-lowest.txt),
#   the newest supported Python found on this machine with the newest tested ones (constraints.txt).
# Each runs the test suite without the browser tests (those need one Python only) in a virtual
# environment of its own (.venv-compat-*); the newest also runs mypy (with `make lint`, mypy then
# checks the code on both Pythons; the lowest versions of watchdog and tornado ship no usable type
# information). A Python that is not installed is reported, not skipped silently: the run fails
# unless both ends of the range were tested.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {  # the first interpreter of the given versions that runs: under pyenv or on PATH
  # (a pyenv shim such as python3.13 is on PATH even when that version is not selected, and fails
  # when run: each candidate is run once, not only looked up)
  for version in "$@"; do
    for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version"*/bin/python "python$version"; do
      if "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" \
        >/dev/null 2>&1; then
        command -v "$candidate"
        return 0
      fi
    done
  done
  return 1
}

run() {  # run NAME PYTHON CONSTRAINTS [mypy]
  local venv=".venv-compat-$1" python=$2 constraints=$3
  echo "== $1: $("$python" --version) with $constraints"
  "$python" tools/make_venv.py "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c "$constraints" -e '.[test]'
  if [ "${4:-}" = mypy ]; then "$venv/bin/python" -m mypy; fi
  "$venv/bin/python" -m pytest -q -m "not browser" -p no:cacheprovider
}

oldest=$(find_python 3.11) || { echo "compat: no Python 3.11 found (the oldest supported)" >&2; exit 1; }
newest=$(find_python 3.13 3.12) || { echo "compat: no Python 3.12 or 3.13 found (the newest supported)" >&2; exit 1; }
run lowest "$oldest" constraints-lowest.txt
run newest "$newest" constraints.txt mypy
