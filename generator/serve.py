"""The dev server: build, serve the output on 127.0.0.1, rebuild what an edit touches, reload the
browser. The LiveReload protocol and its client (livereload.js, shipped in the livereload package)
are used as they are; the server is ours, because livereload's own server ignores a reload within
3 s of the last, polls every 0.8 s and accepts any Origin on its websocket."""

from __future__ import annotations

import asyncio
import errno
import html
import json
import mimetypes
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import livereload
from tornado import httpserver, web, websocket
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .build import Caches, build_site
from .config import Language
from .errors import InputError, OutputRefused
from .search import bundle_prefix, page_names, search_bundles
from .write import Memory, add, check_output_dir, output_lock, update_in_place

WATCHED = ("content", "templates", "locales", "site.toml")

MAX_PATH = 2048  # longer request paths get 414
IDLE_SECONDS = 30.0  # a connection that sends nothing (or a request too slowly) for this long is closed
QUIET_SECONDS = 0.03  # a burst of saves ends after this long without another change
# Pagefind takes about a second of both cores on the real site: it starts once rebuilds have
# paused this long, so that saves in quick succession are not slowed by it.
SEARCH_PAUSE_SECONDS = 1.0
LIVERELOAD_JS = Path(livereload.__file__).parent / "vendors" / "livereload.js"


class State:
    """What the handlers share: the output directory, the current error, the open sockets."""

    def __init__(self, out: Path, host: str, port: int) -> None:
        self.out = out.resolve()
        self.error: list[str] = []
        self.sockets: set[ReloadSocket] = set()
        self.hosts = {f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]", host)}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.port = port

    def broadcast(self) -> None:
        """Tell every browser to reload (LiveReload protocol 7)."""
        message = json.dumps({"command": "reload", "path": "/", "liveCSS": False, "liveImg": False})
        for socket in list(self.sockets):
            try:
                socket.write_message(message)
            except websocket.WebSocketClosedError:
                self.sockets.discard(socket)


class GuardedHandler(web.RequestHandler):
    """Refuses requests whose Host is not this server (DNS rebinding)."""

    state: State

    def initialize(self, state: State) -> None:
        self.state = state

    def prepare(self) -> None:
        if self.request.host not in self.state.hosts:
            raise web.HTTPError(403)


class SiteHandler(GuardedHandler):
    """Serves files of the output directory only: no listings, no way out of the root."""

    def get(self, _: str) -> None:
        self._serve(head=False)

    def head(self, _: str) -> None:
        self._serve(head=True)

    def _serve(self, *, head: bool) -> None:
        raw = self.request.path
        if len(raw) > MAX_PATH:
            raise web.HTTPError(414)
        try:
            self._serve_path(raw, head=head)
        except OSError as error:  # a name the system refuses (too long, invalid): no such file
            raise web.HTTPError(414 if error.errno == errno.ENAMETOOLONG else 404) from None

    def _serve_path(self, raw: str, *, head: bool) -> None:
        decoded = unquote(raw)
        parts = decoded.split("/")[1:]
        if (
            "\x00" in decoded
            or "\\" in decoded
            or ".." in parts
            or decoded.startswith("//")
            or any(p.startswith(".") and p for p in parts)
        ):
            raise web.HTTPError(404 if ".." not in parts else 403)
        target = (self.state.out / "/".join(parts)).resolve() if parts != [""] else self.state.out
        if target != self.state.out and self.state.out not in target.parents:
            raise web.HTTPError(403)
        if target.is_dir():
            if not decoded.endswith("/"):
                self.redirect(raw + "/", permanent=False)
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(head=head)
            return
        self._send(target, 200, head=head)

    def _not_found(self, *, head: bool) -> None:
        page = self.state.out / "404.html"
        if page.is_file():
            self._send(page, 404, head=head)
        else:
            raise web.HTTPError(404)

    def _send(self, path: Path, status: int, *, head: bool) -> None:
        data = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = inject(data, self.state)
        if kind.startswith("text/") or kind in ("application/json", "application/javascript"):
            kind += "; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        if not head:
            self.write(data)

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}\n")


def inject(page: bytes, state: State) -> bytes:
    """Add the reload client, and the current build error if there is one, to a served page."""
    script = f'<script src="/livereload.js?host=127.0.0.1&amp;port={state.port}"></script>'
    banner = ""
    if state.error:
        lines = "\n".join(html.escape(line) for line in state.error)
        banner = f'<pre id="build-error" role="alert">Build failed; showing the last good site.\n{lines}</pre>'
    text = page.decode("utf-8")
    text = text.replace("<body>", f"<body>{banner}", 1).replace("</body>", f"{script}</body>", 1)
    return text.encode("utf-8")


class ScriptHandler(GuardedHandler):
    """Serves livereload.js from the livereload package."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.write(LIVERELOAD_JS.read_bytes())


class ReloadSocket(websocket.WebSocketHandler):
    """The LiveReload protocol's websocket, refusing pages of other origins."""

    state: State

    def initialize(self, state: State) -> None:
        self.state = state

    def prepare(self) -> None:
        # Tornado consults check_origin only for some requests: not without an Origin header,
        # nor with Sec-Fetch-Site 'same-origin' or 'none', nor when Origin equals Host, which is
        # what a DNS-rebound page sends. So both are checked here, before the upgrade.
        origin = self.request.headers.get("Origin")
        if self.request.host not in self.state.hosts or origin not in self.state.origins:
            raise web.HTTPError(403)

    def check_origin(self, origin: str) -> bool:
        return origin in self.state.origins and self.request.host in self.state.hosts

    def open(self) -> None:
        self.state.sockets.add(self)

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(
                json.dumps(
                    {
                        "command": "hello",
                        "protocols": ["http://livereload.com/protocols/official-7"],
                        "serverName": "generator",
                    }
                )
            )

    def on_close(self) -> None:
        self.state.sockets.discard(self)


def http_server(state: State) -> httpserver.HTTPServer:
    """The dev server's HTTP server: a client that sends nothing, or its headers or body too
    slowly, is disconnected; headers and bodies are small."""
    return httpserver.HTTPServer(
        application(state),
        idle_connection_timeout=IDLE_SECONDS,
        body_timeout=IDLE_SECONDS,
        max_header_size=16 * 1024,
        max_body_size=64 * 1024,
    )


def application(state: State) -> web.Application:
    """The dev server's routes."""
    return web.Application(
        [
            (r"/livereload", ReloadSocket, {"state": state}),
            (r"/livereload\.js", ScriptHandler, {"state": state}),
            (r"/(.*)", SiteHandler, {"state": state}),
        ]
    )


class Session:
    """The dev server's site: built in memory by the build's own pipeline (build_site), with the
    caches kept between rebuilds, so a rebuild re-links the whole site, rebuilds every view and
    renders only the pages whose key changed; then only the files whose bytes changed are written.
    The search index is brought up to date beside the rebuilds (SearchRefresher)."""

    def __init__(self, root: Path, out: Path) -> None:
        self.root = root
        self.out = out
        self.caches = Caches()
        self.files = Memory()  # the site as it is in `out`
        self.languages: tuple[Language, ...] = ()
        self.search_stale: set[str] = set()  # languages whose search bundle predates an edit

    def rebuild(self, *, search: bool = False) -> list[str]:
        """Build the site again and write what changed (raises InputError; `out` keeps the last
        good site). With `search`, the search index is built too; otherwise the languages whose
        code pages changed are noted for the SearchRefresher and their old bundles kept."""
        previous = self.files
        output = Memory(previous=previous, previous_digests=previous.digests)
        built = build_site(self.root, output=output, caches=self.caches, search=search)
        self.languages = built.config.languages
        if not search:
            prefixes = tuple(bundle_prefix(lang) for lang in self.languages)
            for name in sorted(previous):
                if name.startswith(prefixes) and name not in output:
                    add(output, name, previous[name])
            for lang in self.languages:
                if any(
                    output.digests.get(n) != previous.digests.get(n)
                    for n in page_names(set(output) | set(previous), lang)
                ):
                    self.search_stale.add(lang.code)
        changed = update_in_place(self.out, output, previous)
        self.files = output
        return changed

    def search_job(self) -> tuple[tuple[Language, ...], Memory] | None:
        """The languages whose search bundle predates an edit and their code pages as they are now;
        they count as fresh from here on (an edit meanwhile makes a language stale again)."""
        languages = tuple(lang for lang in self.languages if lang.code in self.search_stale)
        if not languages:
            return None
        self.search_stale.clear()
        pages = Memory()
        for lang in languages:
            for name in page_names(self.files, lang):
                add(pages, name, self.files[name])
        return languages, pages

    def apply_search(self, languages: tuple[Language, ...], bundles: dict[str, bytes]) -> list[str]:
        """Put new bundles of `languages` in place of their old ones and write the files that changed."""
        prefixes = tuple(bundle_prefix(lang) for lang in languages)
        previous = self.files
        output = Memory()
        for name in sorted(previous):
            if not name.startswith(prefixes):
                add(output, name, previous[name])
        for name in sorted(bundles):
            add(output, name, bundles[name])
        changed = update_in_place(self.out, output, previous)
        self.files = output
        return changed


class Watcher(threading.Thread):
    """Collects file events (inotify on Linux, via watchdog); once a burst of saves has been quiet
    for QUIET_SECONDS, rebuilds once. A failing rebuild is reported and never stops the next one."""

    def __init__(self, session: Session, on_done: Callable[[list[str]], None]) -> None:
        super().__init__(daemon=True, name="rebuilder")
        self.session = session
        self.on_done = on_done
        self.stopping = threading.Event()
        self.changed = threading.Event()
        self.session_lock = threading.Lock()  # the rebuilds and the search refresher take turns
        self.searcher = SearchRefresher(session, self.session_lock)
        self.observer = Observer()
        handler = _Events(self)
        root = session.root
        for name in WATCHED:
            target = root / name
            if target.is_dir():
                self.observer.schedule(handler, str(target), recursive=True)
        self.observer.schedule(handler, str(root), recursive=False)  # site.toml

    def note(self, path: Path) -> None:
        """Record one changed path (called from the observer's thread)."""
        try:
            relative = path.resolve().relative_to(self.session.root.resolve())
        except (ValueError, OSError):
            return
        if (
            relative.parts
            and (relative.parts[0] in WATCHED)
            and not path.name.startswith((".", "#"))
            and not path.name.endswith("~")
        ):
            self.changed.set()

    def start(self) -> None:
        self.observer.start()
        self.searcher.start()
        super().start()

    def stop(self) -> None:
        self.stopping.set()
        self.changed.set()
        self.searcher.stop()
        self.observer.stop()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.changed.wait()
            while not self.stopping.is_set():  # wait for the burst to go quiet
                self.changed.clear()
                if not self.changed.wait(QUIET_SECONDS):
                    break
            if self.stopping.is_set():
                return
            self.rebuild()

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            with self.session_lock:
                changed = self.session.rebuild()
        except InputError as error:
            lines = [str(p) for p in error.problems]
        except Exception as error:  # noqa: BLE001 - the dev server outlives any one failed rebuild
            traceback.print_exc()
            lines = [f"internal error: {type(error).__name__}: {error} (please report it)"]
        else:
            elapsed = (time.perf_counter() - started) * 1000
            print(f"Rebuilt: {len(changed)} files changed in {elapsed:.0f} ms", flush=True)
            self.on_done([])
            self.searcher.wanted.set()
            return
        for line in lines:
            print(line, file=sys.stderr, flush=True)
        self.on_done(lines)


class SearchRefresher(threading.Thread):
    """Brings the search index up to date after edits, beside the rebuilds, once they pause:
    Pagefind runs without the session's lock, so the next save is not held up; the new bundle is
    put in place under it. (The browser is not reloaded for it: the search box fetches the index
    as it goes.)"""

    def __init__(self, session: Session, lock: threading.Lock) -> None:
        super().__init__(daemon=True, name="search")
        self.session, self.lock = session, lock
        self.wanted = threading.Event()
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()
        self.wanted.set()

    def run(self) -> None:
        while True:
            self.wanted.wait()
            while True:  # until no rebuild has asked for a refresh for SEARCH_PAUSE_SECONDS
                if self.stopping.is_set():
                    return
                self.wanted.clear()
                if not self.wanted.wait(SEARCH_PAUSE_SECONDS):
                    break
            with self.lock:
                job = self.session.search_job()
            if job is None:
                continue
            languages, pages = job
            started = time.perf_counter()
            try:
                bundles = search_bundles(pages.digests, languages, self.session.root / ".cache" / "search", files=pages)
            except Exception as error:  # noqa: BLE001 - the pages are fine; only their search index lags
                with self.lock:
                    self.session.search_stale |= {lang.code for lang in languages}
                print(f"search index not updated: {error}", file=sys.stderr, flush=True)
                continue
            with self.lock:
                changed = self.session.apply_search(languages, bundles)
            if changed:
                elapsed = (time.perf_counter() - started) * 1000
                print(
                    f"Search index updated ({', '.join(lang.code for lang in languages)}): {len(changed)} files changed in {elapsed:.0f} ms",
                    flush=True,
                )


class _Events(FileSystemEventHandler):
    """Forwards every created, modified, moved or deleted file to the watcher."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.watcher.note(Path(os.fsdecode(raw)))


def serve(root: Path, *, out: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Run the dev server until interrupted; it holds the output lock, so a build refuses meanwhile."""
    out = Path(os.path.abspath(out))
    check_output_dir(out, root)
    with output_lock(out):
        out.mkdir(parents=True, exist_ok=True)
        session = Session(root, out)
        state = State(out, host, port)
        try:
            session.files = Memory()
            session.rebuild(search=True)
        except InputError as error:
            state.error = [str(p) for p in error.problems]
            for line in state.error:
                print(line, file=sys.stderr, flush=True)
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()

        def done(errors: list[str]) -> None:
            def apply() -> None:
                state.error = errors
                state.broadcast()

            loop.add_callback(apply)

        server = http_server(state)
        try:
            server.listen(port, address=host)
        except OSError as error:
            raise OutputRefused(f"cannot listen on {host}:{port}: {error.strerror}") from None
        watcher = Watcher(session, done)
        watcher.start()
        print(
            f"Serving {out} at http://{'127.0.0.1' if host == '127.0.0.1' else host}:{port}/ (Ctrl-C to stop)",
            flush=True,
        )
        try:
            loop.start()
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
            server.stop()
    return 0
