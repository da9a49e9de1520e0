"""Runs the probes with one Python HTTP client, each as a program would call it by default.

Usage: python -m tools.clients.py_driver CLIENT < probes.json > results.json
(the protocol every driver speaks: see tools/clients/harness.py)."""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Callable
from typing import Any

TIMEOUT = 8.0  # seconds per request; the harness bounds the whole run too


def _requests(probe: dict[str, Any]) -> tuple[int, int]:
    import requests

    response = requests.request(
        probe["method"], probe["url"], data=probe["body"] or None, headers=_headers(probe), timeout=TIMEOUT
    )
    return response.status_code, len(response.content)


def _httpx(probe: dict[str, Any]) -> tuple[int, int]:
    import httpx

    response = httpx.request(
        probe["method"], probe["url"], content=probe["body"] or None, headers=_headers(probe), timeout=TIMEOUT
    )
    return response.status_code, len(response.content)


def _urllib3(probe: dict[str, Any]) -> tuple[int, int]:
    import urllib3

    # urllib3.request(): the module's own PoolManager, default Retry (3) and redirects on.
    response = urllib3.request(
        probe["method"], probe["url"], body=probe["body"] or None, headers=_headers(probe), timeout=TIMEOUT
    )
    return response.status, len(response.data)


def _urllib(probe: dict[str, Any]) -> tuple[int, int]:
    import urllib.request

    data = probe["body"].encode() if probe["body"] else None
    request = urllib.request.Request(probe["url"], data=data, headers=_headers(probe), method=probe["method"])
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status, len(response.read())


def _headers(probe: dict[str, Any]) -> dict[str, str]:
    return {"Expect": "100-continue"} if probe["expect"] else {}


def _version(client: str) -> str:
    if client == "urllib":
        return platform.python_version()
    module = __import__(client)
    return module.__version__


CLIENTS: dict[str, Callable[[dict[str, Any]], tuple[int, int]]] = {
    "requests": _requests,
    "httpx": _httpx,
    "urllib3": _urllib3,
    "urllib": _urllib,
}


def main(client: str) -> int:
    """Run every probe on stdin with `client`; print the results as JSON."""
    probes = json.load(sys.stdin)
    call = CLIENTS[client]
    results = {}
    for probe in probes:
        try:
            status, size = call(probe)
            results[probe["id"]] = {"status": status, "body": size}
        except Exception as error:  # what the caller sees is exactly what is measured
            results[probe["id"]] = {"error": type(error).__name__}
    json.dump({"version": _version(client), "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
