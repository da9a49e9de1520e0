"""The dev server, probed over real HTTP on 127.0.0.1 as an attacker would: the LiveReload
websocket checks Host and Origin itself, odd paths get 4xx (never 500 or a file from outside the
output), nothing is listed, and idle or slow clients are disconnected."""

from __future__ import annotations

import asyncio
import http.client
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado import netutil
from tornado.ioloop import IOLoop

from generator import serve

TIMEOUT = 60  # generous: the machine may be busy; nothing waits this long when all is well


class Server:
    """A dev server on a port the OS picked, serving `out`, run in a thread of its own."""

    def __init__(self, out: Path) -> None:
        sockets = netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self.state = serve.State(out, "127.0.0.1", self.port)
        self.ready = threading.Event()
        self.loop: IOLoop | None = None
        self.thread = threading.Thread(target=self._run, args=(sockets,), daemon=True)

    def _run(self, sockets: list[socket.socket]) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = IOLoop.current()
        server = serve.http_server(self.state)
        server.add_sockets(sockets)
        self.ready.set()
        self.loop.start()
        server.stop()
        self.loop.close(all_fds=True)

    def __enter__(self) -> Server:
        self.thread.start()
        assert self.ready.wait(TIMEOUT)
        return self

    def __exit__(self, *_: object) -> None:
        assert self.loop is not None
        self.loop.add_callback(self.loop.stop)
        self.thread.join(TIMEOUT)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def get(
        self, path: str, *, host: str | None = None, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one request with exactly this path and Host."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host or self.host)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def upgrade(self, headers: dict[str, str]) -> int:
        """The status of a websocket handshake on /livereload with these headers."""
        lines = [
            "GET /livereload HTTP/1.1",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as client:
            client.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            status_line = client.makefile("rb").readline().decode()
        return int(status_line.split()[1])


SECRET = b"outside the output: never served"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An output directory with pages, plus traps: a symlink out, a FIFO, a folder with no index."""
    out = tmp_path / "_site"
    (out / "sub").mkdir(parents=True)
    (out / "empty").mkdir()
    (out / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    (out / "sub" / "index.html").write_text("<html><body>sub</body></html>", encoding="utf-8")
    (out / "404.html").write_text("<html><body>not found</body></html>", encoding="utf-8")
    (out / ".hidden").write_text("hidden", encoding="utf-8")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(out / "pipe.html")
    return out


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
    with Server(site) as running:
        yield running


def test_pages_are_served_with_the_reload_client(server: Server) -> None:
    status, headers, body = server.get("/")
    assert status == 200 and b"home" in body and b"/livereload.js" in body
    assert headers["x-content-type-options"] == "nosniff"
    assert server.get("/sub/")[0] == 200
    status, headers, _ = server.get("/sub")
    assert status == 302 and headers["location"] == "/sub/"


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1", "127.0.0.2:{port}", "localhost.evil.example:{port}"]
)
def test_a_foreign_host_is_refused(server: Server, host: str) -> None:
    status, _, body = server.get("/", host=host.format(port=server.port))
    assert status == 403 and b"home" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/leak.txt",
        "/passwd",
        "/%2fetc/passwd",
        "//etc/passwd",
        "/sub%5c..%5c..%5csecret.txt",
        "/.hidden",
        "/%00",
        "/index.html%00.txt",
    ],
)
def test_nothing_outside_the_output_is_served(server: Server, path: str) -> None:
    status, _, body = server.get(path)
    assert status in (403, 404), (path, status)
    assert SECRET not in body and b"root:" not in body and b"hidden" != body


def test_folders_are_never_listed(server: Server) -> None:
    status, _, body = server.get("/empty/")
    assert status == 404 and b"not found" in body  # the site's 404 page, no listing


def test_a_fifo_in_the_output_does_not_hang_the_server(server: Server) -> None:
    assert server.get("/pipe.html")[0] == 404
    assert server.get("/")[0] == 200  # and it still answers


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a" * 5000,  # over the server's own limit
        "/" + "a" * 300,  # one name over the system's 255
        "/sub/" + "b" * 1000 + "/x",
        "/" + "/".join(["a" * 200] * 9),  # a path the system finds too long
    ],
)
def test_overlong_or_impossible_paths_get_414_or_404(server: Server, path: str) -> None:
    status, _, _ = server.get(path)
    assert status in (404, 414), (path, status)
    assert server.get("/")[0] == 200


@pytest.mark.parametrize("path", ["/%ff%fe", "/%ed%a0%80", "/%c0%ae%c0%ae/secret.txt"])
def test_undecodable_paths_are_bad_requests(server: Server, path: str) -> None:
    status, _, body = server.get(path)
    assert status in (400, 404) and SECRET not in body  # Tornado answers 400 for a URL that is not UTF-8


def test_other_methods_are_not_allowed(server: Server) -> None:
    assert server.get("/", method="POST", headers={"Content-Length": "0"})[0] == 405
    assert server.get("/", method="PUT", headers={"Content-Length": "0"})[0] == 405


def test_the_websocket_accepts_this_servers_pages(server: Server) -> None:
    for host in ("127.0.0.1", "localhost"):
        assert server.upgrade({"Host": f"{host}:{server.port}", "Origin": f"http://{host}:{server.port}"}) == 101


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "{here}"},  # no Origin: Tornado would not call check_origin
        {"Host": "{here}", "Origin": "http://evil.example"},
        {"Host": "{here}", "Origin": "null"},
        {"Host": "{here}", "Origin": "https://127.0.0.1:{port}"},
        {"Host": "{here}", "Sec-Fetch-Site": "same-origin"},  # Tornado trusts this without an Origin
        {"Host": "{here}", "Origin": "http://evil.example", "Sec-Fetch-Site": "none"},
        {"Host": "evil.example:{port}", "Origin": "http://evil.example:{port}"},  # DNS rebinding: Origin equals Host
        {"Host": "evil.example:{port}", "Origin": "http://127.0.0.1:{port}"},
        {"Origin": "http://127.0.0.1:{port}"},  # no Host
    ],
    ids=[
        "no-origin",
        "foreign-origin",
        "null-origin",
        "other-scheme",
        "fetch-site-only",
        "fetch-site-none",
        "rebinding",
        "foreign-host",
        "no-host",
    ],
)
def test_the_websocket_refuses_foreign_or_missing_host_and_origin(server: Server, headers: dict[str, str]) -> None:
    filled = {k: v.format(here=server.host, port=server.port) for k, v in headers.items()}
    assert server.upgrade(filled) in (400, 403)
    assert not server.state.sockets


@pytest.fixture
def impatient(site: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.setattr(serve, "IDLE_SECONDS", 1.0)
    with Server(site) as running:
        yield running


@pytest.mark.parametrize("sent", [b"", b"GET / HTTP/1.1\r\n", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"])
def test_idle_and_slow_clients_are_disconnected(impatient: Server, sent: bytes) -> None:
    with socket.create_connection(("127.0.0.1", impatient.port), timeout=TIMEOUT) as client:
        client.sendall(sent)
        assert client.recv(1024) == b""  # the server closed it; the timeout only catches a failure


def test_oversized_headers_are_refused(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as client:
        client.sendall(f"GET / HTTP/1.1\r\nHost: {server.host}\r\nX-Big: {'a' * 32_000}\r\n\r\n".encode())
        answer = client.recv(1024)
    assert answer == b"" or answer.split()[1] in (b"400", b"431")
    assert server.get("/")[0] == 200
