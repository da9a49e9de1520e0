"""Runs the probes in Debian's Chromium through Playwright: as navigations of a tab, or as fetch()
calls from a page of the server's own origin. Playwright never downloads a browser here.

Usage: python -m tools.clients.chromium_driver nav|fetch BLANK_URL < probes.json > results.json"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from typing import Any

TIMEOUT_MS = 10_000
TABS = 4  # probes run at once
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

FETCH = """async (probe) => {
  const init = {method: probe.method, signal: AbortSignal.timeout(8000)};
  if (probe.body) init.body = probe.body;
  if (probe.expect) init.headers = {Expect: "100-continue"};
  try {
    const response = await fetch(probe.url, init);
    const body = await response.arrayBuffer();
    return {status: response.status, body: body.byteLength};
  } catch (error) {
    return {error: error.name === "TimeoutError" ? "timeout" : error.name};
  }
}"""

FORM = """(probe) => {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = probe.url;
  const field = document.createElement("input");
  field.type = "hidden";
  const [name, value] = probe.body.split("=");
  field.name = name;
  field.value = value;
  form.append(field);
  document.body.append(form);
  form.submit();
}"""


def executable() -> str:
    """$CHROMIUM, else the first of PATHS that exists."""
    chosen = os.environ.get("CHROMIUM")
    for path in [chosen] if chosen else PATHS:
        if os.access(path, os.X_OK):
            return path
    raise SystemExit(f"Chromium not found at {chosen or ', '.join(PATHS)} (Debian: apt-get install chromium)")


def _error(error: Exception) -> dict[str, Any]:
    found = re.search(r"net::(ERR_[A-Z_]+)", str(error))
    if found:
        return {"error": found.group(1)}
    return {"error": "timeout" if "Timeout" in type(error).__name__ else type(error).__name__}


async def _outcome(response: Any) -> dict[str, Any]:
    if response is None:
        return {"error": "no response"}
    try:
        size = len(await response.body())
    except Exception:  # Playwright keeps no body for some responses (redirects, aborted loads)
        size = 0
    return {"status": response.status, "body": size}


class Tab:
    """A tab the navigations happen in; after a failed navigation (whose error page may still be
    loading and would interrupt the next one) a fresh tab replaces it."""

    def __init__(self, context: Any, page: Any) -> None:
        self.context = context
        self.page = page

    async def navigate(self, probe: dict[str, Any], blank: str) -> dict[str, Any]:
        """Typed (GET) or a form's submission (POST)."""
        try:
            if probe["method"] == "POST":
                await self.page.goto(blank, timeout=TIMEOUT_MS)
                async with self.page.expect_navigation(timeout=TIMEOUT_MS) as navigation:
                    await self.page.evaluate(FORM, probe)
                return await _outcome(await navigation.value)
            return await _outcome(await self.page.goto(probe["url"], timeout=TIMEOUT_MS))
        except Exception as error:  # a failed navigation is a measurement
            await self.page.close()
            self.page = await self.context.new_page()
            return _error(error)

    async def run(self, probe: dict[str, Any], blank: str) -> dict[str, Any]:
        """One probe. The cache probes navigate elsewhere and then to the same URL again (typed
        twice in a row, Chromium would reload it): the server's log shows whether it was asked."""
        result = await self.navigate(probe, blank)
        if probe["name"].startswith("cache"):
            await self.navigate({**probe, "url": blank}, blank)
            result = await self.navigate(probe, blank)
        return result

    async def fetch(self, probe: dict[str, Any], blank: str) -> dict[str, Any]:
        """fetch() from a page of the server's origin."""
        try:
            return await self.page.evaluate(FETCH, probe)
        except Exception as error:
            return _error(error)


def version(path: str) -> str:
    """'156.0.8078.114' from `chromium --version`."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    return re.search(r"\d+(?:\.\d+)+", output).group(0)


async def measure(mode: str, blank: str, probes: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the probes in one browser, TABS at a time (each probe has URLs of its own)."""
    from playwright.async_api import async_playwright

    results: dict[str, Any] = {}
    queue = list(reversed(probes))
    with tempfile.TemporaryDirectory(prefix="clients-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile, executable_path=executable(), headless=True, args=ARGS
            )
            try:

                async def worker() -> None:
                    page = await context.new_page()
                    await page.goto(blank, timeout=TIMEOUT_MS)  # fetch() needs a page of the same origin
                    tab = Tab(context, page)
                    while queue:
                        probe = queue.pop()
                        results[probe["id"]] = await (tab.fetch if mode == "fetch" else tab.run)(probe, blank)

                await asyncio.gather(*(worker() for _ in range(TABS)))
            finally:
                await context.close()
    return results


def main(mode: str, blank: str) -> int:
    """Run every probe on stdin; print the results as JSON."""
    results = asyncio.run(measure(mode, blank, json.load(sys.stdin)))
    json.dump({"version": version(executable()), "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
