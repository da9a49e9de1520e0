"""What tests/test_browser.py needs besides Python: Chromium, the tools/browser node modules (axe-core,
the Nu HTML Checker), Java, and a static server that behaves like GitHub Pages."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "tools" / "browser" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESELECT = "(deselect these tests with -m 'not browser')"


class MissingTool(Exception):
    """A program or file the browser tests need is not installed; the message says how to get it."""


def chromium() -> str:
    """The browser to drive: $CHROMIUM, else the first of CHROMIUM_PATHS that exists."""
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        if not os.access(chosen, os.X_OK):
            raise MissingTool(f"CHROMIUM={chosen} is not an executable file {DESELECT}")
        return chosen
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    raise MissingTool(
        f"Chromium not found at {', '.join(CHROMIUM_PATHS)}: install it (Debian: apt-get install chromium; "
        f"`bash .ci/run` as root does) or set CHROMIUM=/path/to/chrome {DESELECT}"
    )


def node_tool(path: Path) -> Path:
    """A file from tools/browser/node_modules, which `make test` installs with npm ci."""
    if not path.is_file():
        raise MissingTool(
            f"{path.relative_to(ROOT)} is missing: run `make test`, or `npm ci --ignore-scripts` in tools/browser "
            f"(needs Node.js and npm; Debian: apt-get install nodejs npm) {DESELECT}"
        )
    return path


def java() -> str:
    """The java launcher, for the Nu HTML Checker."""
    found = shutil.which("java")
    if not found:
        raise MissingTool(f"java not found: install a JDK (Debian: apt-get install default-jdk-headless) {DESELECT}")
    return found


class _PagesHandler(SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them: index.html for a directory, 404.html with status 404
    for anything unknown, no directory listings, no request log."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yield the origin, e.g. 'http://127.0.0.1:41234'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_PagesHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
