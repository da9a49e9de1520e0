"""The local server the clients talk to: raw HTTP/1.1 on 127.0.0.1, so that it can send what a
framework would refuse to (interim responses, bodies on 204 and HEAD, a 101 nobody asked for),
and a log of every request it received."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate

from .plan import MAX_REQUESTS, Reply, phrase, reply

READ_TIMEOUT = 15.0  # seconds a connection may sit idle before the server drops it
BLANK = b"<!doctype html><title>blank</title><p>blank</p>"


@dataclass(frozen=True)
class Hit:
    """One request as the server received it."""

    client: str
    code: int
    probe: str
    step: str
    method: str
    body: int  # bytes of content received
    expect: bool  # Expect: 100-continue was sent
    at: float  # time.monotonic() when the request head arrived


class Log:
    """Every request, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.hits: list[Hit] = []

    def add(self, hit: Hit) -> int:
        """Record a hit; return how many requests its probe's first URL has had (this one included)."""
        with self._lock:
            self.hits.append(hit)
            return sum(
                1
                for h in self.hits
                if (h.client, h.code, h.probe, h.step) == (hit.client, hit.code, hit.probe, "start")
            )

    def of(self, client: str, code: int, probe: str) -> list[Hit]:
        """The hits of one probe, in order of arrival."""
        with self._lock:
            return [h for h in self.hits if (h.client, h.code, h.probe) == (client, code, probe)]


class _Closed(Exception):
    """The client closed the connection or sent something that is not HTTP/1.1."""


class _Handler(socketserver.StreamRequestHandler):
    server: Server
    timeout = READ_TIMEOUT

    def handle(self) -> None:
        """One request per connection: every response says Connection: close."""
        try:
            self._exchange()
        except (_Closed, OSError, ValueError):
            pass

    def _line(self) -> str:
        line = self.rfile.readline(65537)
        if not line:
            raise _Closed
        return line.decode("latin-1").rstrip("\r\n")

    def _exchange(self) -> None:
        request = self._line()
        method, target, _ = request.split(" ", 2)
        headers: dict[str, str] = {}
        while line := self._line():
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        at = time.monotonic()
        parts = target.split("?")[0].strip("/").split("/")
        if len(parts) == 2 and parts[1] == "blank":
            self._send(Reply(200, [("Content-Type", "text/html"), ("Cache-Control", "no-store")], BLANK))
            return
        if len(parts) != 4 or not parts[1].isdigit():
            self._send(Reply(404, [("Cache-Control", "no-store")], b"unknown"))
            return
        client, code, probe, step = parts[0], int(parts[1]), parts[2], parts[3]
        expect = headers.get("expect", "").lower() == "100-continue"
        answer = (
            reply(code, probe, expect_sent=expect)
            if step == "start"
            else Reply(200, [("Cache-Control", "no-store")], b"next")
        )
        if answer.continue_first:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        received = (
            self._body(headers)
            if method not in ("GET", "HEAD") or "content-length" in headers or "transfer-encoding" in headers
            else 0
        )
        count = self.server.log.add(Hit(client, code, probe, step, method, received, expect, at))
        if count > MAX_REQUESTS:
            return  # the bound: no answer, the connection closes
        if step not in ("start", "next"):
            answer = Reply(404, [("Cache-Control", "no-store")], b"misresolved")
        self._send(answer)

    def _body(self, headers: dict[str, str]) -> int:
        """Read the request's content; return its length."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            total = 0
            while size := int(self._line().split(";")[0], 16):
                total += len(self.rfile.read(size))
                self._line()
            while self._line():
                pass
            return total
        length = int(headers.get("content-length", "0") or 0)
        return len(self.rfile.read(length)) if length else 0

    def _send(self, answer: Reply) -> None:
        out = bytearray()
        for status, extra in answer.interim:
            out += f"HTTP/1.1 {status} {phrase(status)}\r\n".encode()
            out += "".join(f"{k}: {v}\r\n" for k, v in extra).encode() + b"\r\n"
        out += f"HTTP/1.1 {answer.status} {phrase(answer.status)}\r\n".encode()
        headers = [("Date", formatdate(usegmt=True)), *answer.headers]
        if answer.final:
            names = {k.lower() for k, _ in headers}
            if "content-type" not in names:
                headers.append(("Content-Type", "text/plain"))
            headers += [("Content-Length", str(len(answer.body))), ("Connection", "close")]
        out += "".join(f"{k}: {v}\r\n" for k, v in headers).encode() + b"\r\n"
        if answer.final:
            out += answer.body
        self.wfile.write(bytes(out))
        self.wfile.flush()
        try:
            self.connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    """The probe server on 127.0.0.1 and a port the OS picks."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # ten clients and a browser's pre-connections at once

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log = Log()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
