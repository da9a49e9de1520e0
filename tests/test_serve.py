"""The dev server over real HTTP on 127.0.0.1: serving, safety, incremental rebuilds, reloads."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from generator.errors import EXIT_OUTPUT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `python -m generator serve` subprocess."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 180  # generous: the machine may be loaded
        while time.monotonic() < deadline:
            try:
                if self.get("/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dev server did not start")

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest("GET", path, skip_host=bool(headers and "Host" in headers))
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
        finally:
            connection.close()  # also when the server drops the connection (it may be starting)
        return response.status, body, dict(response.getheaders())

    def wait_for(self, path: str, text: str, *, present: bool = True, timeout: float = 120) -> float:
        """Seconds until `text` is (or is no longer) in the page."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if (text in self.get(path)[1]) == present:
                return time.monotonic() - started
            time.sleep(0.02)
        raise AssertionError(f"{path} never {'showed' if present else 'lost'} {text!r}")

    def stop(self) -> tuple[str, str]:
        if self.process.returncode is None:
            self.process.terminate()
            self.output = self.process.communicate(timeout=60)
        return self.output


@pytest.fixture
def server(make_project: Callable[..., Path]) -> Iterator[Server]:
    running = Server(make_project(), free_port())
    yield running
    running.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serves_pages_with_the_reload_client(server: Server) -> None:
    status, body, headers = server.get("/ru/404/")
    assert status == 200 and '<html lang="ru"' in body
    assert '<script src="/livereload.js?host=127.0.0.1&amp;port=' in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert server.get("/livereload.js")[0] == 200
    status, body, _ = server.get("/no-such-page/")
    assert status == 404 and "Page not found" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsite.toml",
        "/static/..%5c..%5csite.toml",
        "/%00",
        "/index.html%00.txt",
        "//etc/passwd",
        "/.generator-manifest",
        "/..\\site.toml",
    ],
)
def test_paths_outside_the_output_are_refused(server: Server, path: str) -> None:
    status, body, _ = server.get(path)
    assert status in (403, 404)
    assert "base_url" not in body and "root:" not in body


def test_symlink_out_of_the_root_is_refused(server: Server) -> None:
    (server.root / "_site" / "leak").symlink_to(server.root / "content")
    (server.root / "_site" / "leak.toml").symlink_to(server.root / "site.toml")
    assert server.get("/leak/en/404.md")[0] == 403
    assert server.get("/leak.toml")[0] == 403


def test_no_directory_listing(server: Server) -> None:
    status, body, _ = server.get("/static/")
    assert status == 404 and "/static/notfound.js" in body  # the 404 page, not a listing
    assert "favicon.svg</a>" not in body and "Index of" not in body


def test_foreign_host_is_refused(server: Server) -> None:
    assert server.get("/", {"Host": f"evil.example:{server.port}"})[0] == 403
    assert server.get("/", {"Host": f"localhost:{server.port}"})[0] == 200


def test_edit_rebuilds_dependents_and_two_saves_both_show(server: Server) -> None:
    english = server.root / "content/en/410.md"
    edit(english, "It was here, and is gone for good.", "First save.")
    server.wait_for("/410/", "First save.")
    server.wait_for("/4xx/", "First save.")  # the class page lists its summary
    server.wait_for("/404/", "First save.")  # 404 lists 410 as related
    time.sleep(1)
    edit(english, "First save.", "Second save.")
    server.wait_for("/410/", "Second save.")  # (how fast: bench/devserver.py measures it)


def _indexed(bundle: Path, word: str) -> bool:
    """Whether a page of a search bundle holds `word` (its fragments are gzipped JSON; Chinese text
    is stored segmented, with zero-width spaces between the words)."""
    return any(
        word in gzip.decompress(p.read_bytes()).decode("utf-8", "replace").replace("\u200b", "")
        for p in (bundle / "fragment").glob("*.pf_fragment")
    )


def _files(bundle: Path) -> dict[str, int]:
    return {p.relative_to(bundle).as_posix(): p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}


def test_an_edit_reaches_the_search_index_of_its_language_only(server: Server) -> None:
    site = server.root / "_site"
    en, zh, ru = site / "pagefind", site / "zh" / "pagefind", site / "ru" / "pagefind"
    before = {"en": _files(en), "ru": _files(ru)}
    assert _indexed(zh, "这里什么都没有") and not _indexed(zh, "斑马独角兽")
    edit(server.root / "content/zh/404.md", "这里什么都没有。", "斑马独角兽。")
    server.wait_for("/zh/404/", "斑马独角兽")
    deadline = time.monotonic() + 180
    while not _indexed(zh, "斑马独角兽"):
        assert time.monotonic() < deadline, "the search index never saw the edit"
        time.sleep(0.1)
    assert not _indexed(zh, "这里什么都没有")  # the old fragment went with it
    entry = json.loads((zh / "pagefind-entry.json").read_text())  # the bundle is whole
    assert all((zh / f"pagefind.{meta['hash']}.pf_meta").is_file() for meta in entry["languages"].values())
    assert {"en": _files(en), "ru": _files(ru)} == before  # no page of theirs changed
    edit(server.root / "content/en/410.md", "It was here, and is gone for good.", "Zebracorn sightings ended here.")
    deadline = time.monotonic() + 180
    while not _indexed(en, "Zebracorn"):
        assert time.monotonic() < deadline, "the English search index never saw the edit"
        time.sleep(0.1)
    out, _ = server.stop()
    assert (
        out.count("Search index updated") >= 1 and out.count("Rebuilt") >= 2
    )  # (the last line may come after the stop)


def test_burst_of_saves_is_one_rebuild(server: Server) -> None:
    for i in range(5):  # back to back, well inside the quiet window
        edit(server.root / "content/en/410.md", "Removed on purpose" if i == 0 else f"Burst {i - 1}", f"Burst {i}")
    server.wait_for("/410/", "Burst 4")
    time.sleep(0.5)
    out, _ = server.stop()
    # Five saves, one rebuild; two if the machine stalled this test between two saves for longer
    # than the quiet window (never five: the saves are not rebuilt one by one).
    assert 1 <= out.count("Rebuilt") <= 2


def test_broken_edit_keeps_last_good_site_and_recovers(server: Server) -> None:
    english = server.root / "content/en/410.md"
    good = english.read_text(encoding="utf-8")
    english.write_text('+++\nsummary = "x\n+++\nbody\n', encoding="utf-8")
    server.wait_for("/410/", "content/en/410.md:2: invalid TOML")
    status, body, _ = server.get("/410/")
    assert status == 200 and "Removed on purpose" in body  # the last good page, with the error on top
    english.write_text(good.replace("Removed on purpose", "Fixed again"), encoding="utf-8")
    server.wait_for("/410/", "Fixed again")
    server.wait_for("/410/", "build-error", present=False)
    _, err = server.stop()
    assert "content/en/410.md:2: invalid TOML: Unterminated string" in err
    assert "Traceback" not in err


def test_template_and_catalog_changes_rebuild(server: Server) -> None:
    edit(server.root / "templates/code.html", '<p class="lead">', '<p class="lead" data-edited="yes">')
    server.wait_for("/499/", 'data-edited="yes"')
    server.wait_for("/zh/404/", 'data-edited="yes"')
    catalog = server.root / "locales/ru/LC_MESSAGES/messages.po"
    edit(catalog, 'msgstr "Связанные коды"', 'msgstr "Похожие коды"')
    server.wait_for("/ru/404/", "Похожие коды")


def test_reload_socket_checks_origin_and_sends_reload(server: Server) -> None:
    async def scenario() -> dict[str, str]:
        url = f"ws://127.0.0.1:{server.port}/livereload"
        with pytest.raises(Exception, match="403"):
            await websocket_connect(httpclient_request(url, "http://evil.example"))
        socket = await websocket_connect(httpclient_request(url, f"http://127.0.0.1:{server.port}"))
        socket.write_message(
            json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        )
        hello = json.loads(await socket.read_message())
        assert hello["command"] == "hello"
        await asyncio.sleep(0.2)
        edit(server.root / "content/en/410.md", "Removed on purpose", "Reload me")
        message = await asyncio.wait_for(socket.read_message(), timeout=120)  # a rebuild on a busy machine
        socket.close()
        # close() only starts the closing handshake; wait for its end (read_message gives None),
        # or the socket outlives this event loop and its ResourceWarning fails a later test
        while await asyncio.wait_for(socket.read_message(), timeout=60) is not None:
            pass
        return json.loads(message)

    assert asyncio.run(scenario())["command"] == "reload"


def httpclient_request(url: str, origin: str):  # noqa: ANN201 - tornado HTTPRequest
    from tornado.httpclient import HTTPRequest

    return HTTPRequest(url, headers={"Origin": origin})


def test_binds_loopback_only(server: Server) -> None:
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False).stdout
    addresses = [a for a in found.split() if not a.startswith("127.") and ":" not in a]
    for address in addresses[:1]:
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=1).close()


def test_a_build_refuses_while_the_dev_server_runs(server: Server, cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = cli("--root", str(server.root), "build")
    assert code == EXIT_OUTPUT and "another build or dev server is writing" in err
    assert server.get("/404/")[0] == 200


def test_adding_and_removing_a_code_keeps_the_server_rebuilding(server: Server) -> None:
    from test_incremental import NEW_CODE

    facts, page = server.root / "content/codes/418.toml", server.root / "content/en/418.md"
    page.write_text(
        '+++\nsummary = "Short and stout."\n+++\n## What it means {#meaning}\n\nA joke; see [[404]].\n',
        encoding="utf-8",
    )
    facts.write_text(NEW_CODE, encoding="utf-8")
    server.wait_for("/418/", "Short and stout.")
    assert "/418/" in server.get("/4xx/")[1]
    facts.unlink()
    page.unlink()
    deadline = time.monotonic() + 120
    while server.get("/418/")[0] != 404 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.get("/418/")[0] == 404
    assert "/418/" not in server.get("/4xx/")[1]
    edit(server.root / "content/en/410.md", "Removed on purpose", "Removed deliberately")
    server.wait_for("/410/", "Removed deliberately")  # and it goes on rebuilding
