"""Create a virtual environment with pip, even where the OS python lacks ensurepip.

Debian and Ubuntu ship `python3` without `ensurepip` unless python3-venv is installed; then the
environment is created without pip and pip is bootstrapped from its wheel on PyPI."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path


def main(target: str) -> int:
    path = Path(target)
    python = path / "bin" / "python"
    if python.exists() and subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return 0
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        return 0
    except (subprocess.CalledProcessError, OSError):
        print("ensurepip is not available: bootstrapping pip from PyPI", file=sys.stderr)
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        release = json.load(response)
    wheel_url = next(u["url"] for u in release["urls"] if u["filename"].endswith(".whl"))
    wheel = path / "pip.whl"
    with urllib.request.urlopen(wheel_url, timeout=120) as response:
        wheel.write_bytes(response.read())
    subprocess.run([python, str(wheel / "pip"), "install", "--quiet", str(wheel)], check=True)
    wheel.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ".venv"))
