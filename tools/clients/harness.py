"""The harness: starts the probe server, runs every client's driver against it at once, and turns
what the drivers returned and what the server received into observations.

Every driver is a program that reads the probes as JSON on stdin (a list of {id, name, method, url,
body, expect}) and prints {"version": ..., "results": {id: {"status": N, "body": bytes} or
{"error": kind}}}. The Java program reads and writes the same fields as tab-separated lines."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .plan import CACHE_PROBES, ROOT, UNSTABLE_COUNTS, Probe, measured_codes, probes, records_body
from .server import Hit, Server

HERE = Path(__file__).resolve().parent
DRIVER_TIMEOUT = 240  # seconds for one client's whole run; every request is bounded far below that
RETRY_AFTER_SECONDS = 1.0
ABOUT = "How real HTTP clients treat each status code, measured by tools/clients against a local server. Regenerate with: python -m tools.clients --update"


@dataclass(frozen=True)
class Client:
    """A client as the pages name it, and how its driver is started."""

    key: str
    name: str
    product: str  # what the version is the version of
    command: tuple[str, ...]
    navigation: bool = False  # a browser tab: no HEAD, no Expect; a second navigation tests caching
    browser: bool = False  # would ask a person for credentials: a 401 challenge is not measured headless

    def plan(self, code: int) -> list[Probe]:
        """The probes this client runs for `code`."""
        own = [p for p in probes(code) if not (self.browser and code == 401 and p.name == "get")]
        if not self.navigation:
            return own
        own = [p for p in own if p.name not in ("head", "expect")]
        return own + (list(CACHE_PROBES) if code >= 200 else [])


PY = (sys.executable, "-m")
CLIENTS = (
    Client("curl", "curl", "curl", (*PY, "tools.clients.curl_driver", "plain")),
    Client("curl-L", "curl -L", "curl", (*PY, "tools.clients.curl_driver", "follow")),
    Client("requests", "requests", "requests", (*PY, "tools.clients.py_driver", "requests")),
    Client("httpx", "httpx", "httpx", (*PY, "tools.clients.py_driver", "httpx")),
    Client("urllib3", "urllib3", "urllib3", (*PY, "tools.clients.py_driver", "urllib3")),
    Client("urllib", "urllib.request", "Python", (*PY, "tools.clients.py_driver", "urllib")),
    Client("node", "Node.js fetch", "Node.js", ("node", str(HERE / "node_fetch.mjs"))),
    Client("java", "Java HttpClient", "Java", ("java", str(HERE / "JavaHttpClient.java"))),
    Client(
        "chromium",
        "Chromium navigation",
        "Chromium",
        (*PY, "tools.clients.chromium_driver", "nav"),
        navigation=True,
        browser=True,
    ),
    Client(
        "chromium-fetch", "Chromium fetch()", "Chromium", (*PY, "tools.clients.chromium_driver", "fetch"), browser=True
    ),
)


def _run_driver(client: Client, base: str, codes: list[int]) -> dict[str, Any]:
    """Start one driver with its probes; return its {"version", "results"}."""
    items = [
        {
            "id": f"{code}/{p.name}",
            "name": p.name,
            "method": p.method,
            "url": f"{base}/{client.key}/{code}/{p.name}/start",
            "body": p.body,
            "expect": p.expect,
        }
        for code in codes
        for p in client.plan(code)
    ]
    command = list(client.command)
    if client.key.startswith("chromium"):
        command.append(f"{base}/{client.key}/blank")
    if client.key == "java":
        lines = "".join(f"{i['id']}\t{i['method']}\t{i['url']}\t{i['body']}\t{int(i['expect'])}\n" for i in items)
        done = subprocess.run(command, input=lines, capture_output=True, text=True, timeout=DRIVER_TIMEOUT, cwd=ROOT)
        _check(client, done)
        version, *rows = done.stdout.splitlines()
        results = {}
        for row in rows:
            key, status, error, size = row.split("\t")
            results[key] = {"error": error} if error else {"status": int(status), "body": int(size)}
        return {"version": version, "results": results}
    done = subprocess.run(
        command, input=json.dumps(items), capture_output=True, text=True, timeout=DRIVER_TIMEOUT, cwd=ROOT
    )
    _check(client, done)
    return json.loads(done.stdout)


def _check(client: Client, done: subprocess.CompletedProcess[str]) -> None:
    if done.returncode:
        raise RuntimeError(f"{client.name}: driver failed with exit status {done.returncode}:\n{done.stderr[-2000:]}")


TIMEOUTS = frozenset({"timeout", "TimeoutError", "ReadTimeout", "ReadTimeoutError", "HttpTimeoutException", "exit 28"})


def _error(kind: str) -> str:
    """An error's name as recorded; every client's own word for a timeout becomes 'timeout'."""
    return "timeout" if kind in TIMEOUTS else kind


def observe(
    code: int, probe: str, result: dict[str, Any], hits: list[Hit], first_method: str, *, steady: bool = True
) -> dict[str, Any]:
    """What one client did in one probe, from its own result and the server's log."""
    starts = [h for h in hits if h.step == "start"]
    others = [h for h in hits if h.step != "start"]
    if probe.startswith("cache"):
        return {"reused": len(starts) == 1} if starts else {"requests": 0}
    seen: dict[str, Any] = {"error": _error(result["error"])} if "error" in result else {"status": result["status"]}
    if not steady:
        seen["requests"] = "varies"
    elif len(starts) != 1:
        seen["requests"] = len(starts)
    if others:
        seen["follow"] = others[0].method
        if first_method == "POST":
            seen["follow_body"] = others[0].body > 0
        if others[0].step != "next":
            seen["resolved"] = False
    if probe == "retry" and len(starts) > 1:
        gaps = [b.at - a.at for a, b in zip(starts, starts[1:], strict=False)]
        seen["waited"] = min(gaps) >= 0.9 * RETRY_AFTER_SECONDS
    if records_body(code, probe) and "status" in result:
        seen["body"] = result.get("body", 0)
    if probe == "expect":
        seen["expect"] = any(h.expect for h in starts)
    return seen


def run(clients: tuple[Client, ...] = CLIENTS, codes: list[int] | None = None, jobs: int = 4) -> dict[str, Any]:
    """Measure every client; return the data as content/clients.json holds it."""
    codes = measured_codes() if codes is None else codes
    with Server() as server, ThreadPoolExecutor(jobs) as pool:
        futures = {c.key: pool.submit(_run_driver, c, server.base, codes) for c in clients}
        outputs = {key: future.result() for key, future in futures.items()}
        log = server.log
        data: dict[str, Any] = {
            "about": ABOUT,
            "clients": [
                {"key": c.key, "name": c.name, "product": c.product, "version": outputs[c.key]["version"]}
                for c in clients
            ],
            "codes": {},
        }
        for code in codes:
            table: dict[str, dict[str, Any]] = {}
            for client in clients:
                for p in client.plan(code):
                    result = outputs[client.key]["results"][f"{code}/{p.name}"]
                    table.setdefault(p.name, {})[client.key] = observe(
                        code,
                        p.name,
                        result,
                        log.of(client.key, code, p.name),
                        p.method,
                        steady=(client.key, code, p.name) not in UNSTABLE_COUNTS,
                    )
            data["codes"][str(code)] = table
    return data


def dump(data: dict[str, Any]) -> str:
    """The data as content/clients.json holds it: one observation a line, so that a diff of a
    re-measurement shows each changed behaviour on its own line."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    lines = ["{", f' "about": {one(data["about"])},', ' "clients": [']
    lines += [f"  {one(c)}{',' if i + 1 < len(data['clients']) else ''}" for i, c in enumerate(data["clients"])]
    lines += [" ],", ' "codes": {']
    codes = list(data["codes"].items())
    for i, (code, table) in enumerate(codes):
        lines.append(f'  "{code}": {{')
        for j, (probe, cells) in enumerate(table.items()):
            lines.append(f'   "{probe}": {{')
            lines += [
                f'    "{key}": {one(seen)}{"," if k + 1 < len(cells) else ""}'
                for k, (key, seen) in enumerate(cells.items())
            ]
            lines.append("   }" + ("," if j + 1 < len(table) else ""))
        lines.append("  }" + ("," if i + 1 < len(codes) else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"
