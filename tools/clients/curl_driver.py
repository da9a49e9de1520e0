"""Runs the probes with the curl command line, plain or with -L (follow redirects).

Usage: python -m tools.clients.curl_driver plain|follow < probes.json > results.json"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

TIMEOUT = 8  # --max-time, seconds per probe


def run(probe: dict[str, Any], follow: bool) -> dict[str, Any]:
    """One curl invocation as a user would type it; the exit status says whether it failed."""
    command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", "--max-time", str(TIMEOUT)]
    if follow:
        command.append("-L")
    if probe["method"] == "HEAD":
        command.append("-I")
    if probe["body"]:
        command += ["--data-binary", probe["body"]]
    if probe["expect"]:
        command += ["-H", "Expect: 100-continue"]
    done = subprocess.run([*command, probe["url"]], capture_output=True, text=True, timeout=TIMEOUT + 10)
    if done.returncode:
        return {"error": f"exit {done.returncode}"}
    status, size = done.stdout.split()
    return {"status": int(status), "body": int(size)}


def version() -> str:
    """curl's version, e.g. '7.88.1'."""
    return subprocess.run(["curl", "--version"], capture_output=True, text=True, check=True).stdout.split()[1]


def main(mode: str) -> int:
    """Run every probe on stdin; print the results as JSON."""
    probes = json.load(sys.stdin)
    results = {probe["id"]: run(probe, mode == "follow") for probe in probes}
    json.dump({"version": version(), "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
