"""What is measured: the probes for each status code, and what the server answers to each.

A probe is one scripted exchange: the client sends one request to `/<client>/<code>/<probe>/start`
and the server answers as the probe says. A redirect points to the relative reference `next`, which
resolves to `/<client>/<code>/<probe>/next` and answers 200, so the server's log shows whether the
client followed, with which method and body, and whether it resolved the reference correctly."""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Unregistered codes of each class that the site has no page for (499 and 599 have pages).
UNKNOWN = (199, 299, 399)
RETRY_AFTER = (413, 429, 502, 503, 504)  # answered once without and once with Retry-After
BODY = b"hello"  # every response's content, also where none is allowed (204, 205, 304, HEAD)
# Request counts no run can promise, always recorded as "varies": Chromium resends a request
# answered 408 when it considers the connection reused, which depends on the sockets its predictor
# opened beforehand (1, 2, 3 and 4 requests seen in six runs).
UNSTABLE_COUNTS = frozenset({("chromium", 408, "get")})
MAX_REQUESTS = 10  # the server answers at most this many requests per probe; then it closes


@dataclass(frozen=True)
class Probe:
    """One exchange: the request the client makes."""

    name: str  # get, post, head, noloc, bare, retry, expect, cache, cache-lm
    method: str = "GET"
    body: str = ""
    expect: bool = False  # the client is asked to send Expect: 100-continue


@dataclass(frozen=True)
class Reply:
    """What the server sends for one request."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = BODY
    interim: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = ()
    continue_first: bool = False  # answer 100 Continue before reading the body (Expect was sent)
    final: bool = True  # False: send the status line and headers, then close (101)


def site_codes(root: Path = ROOT) -> list[int]:
    """Every code the site has a page for, read from content/codes/."""
    codes = []
    for path in sorted((root / "content" / "codes").glob("*.toml")):
        with path.open("rb") as handle:
            codes.append(tomllib.load(handle)["code"])
    return codes


def measured_codes(root: Path = ROOT) -> list[int]:
    """The site's codes and the unregistered ones of each class, in order."""
    return sorted({*site_codes(root), *UNKNOWN})


def probes(code: int) -> list[Probe]:
    """The probes every client runs for `code` (the browser's navigation adds cache probes)."""
    found = [Probe("get")]
    if code == 100:
        found.append(Probe("expect", "POST", "a=1", expect=True))
    elif code == 200:
        found.append(Probe("head", "HEAD"))
    elif 300 <= code < 400 and code != 304:
        found += [Probe("post", "POST", "a=1"), Probe("noloc")]
    elif code == 401:
        found.append(Probe("bare"))
    elif code in RETRY_AFTER:
        found.append(Probe("retry"))
    return found


CACHE_PROBES = (Probe("cache"), Probe("cache-lm"))  # a second navigation: reused from the cache?


def records_body(code: int, probe: str) -> bool:
    """Whether the probe's answer carries a body the caller must not get (204, 205, 304, HEAD)."""
    return probe == "head" or (probe == "get" and code in (204, 205, 304))


def phrase(code: int) -> str:
    """A reason phrase to send (clients must not depend on it)."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Status"


def reply(code: int, probe: str, *, expect_sent: bool) -> Reply:
    """The server's answer to the first request of a probe."""
    headers: list[tuple[str, str]] = []
    if 100 <= code < 200:
        if code == 101:  # an upgrade nobody asked for: the status line, then the connection closes
            return Reply(101, [("Upgrade", "websocket"), ("Connection", "Upgrade")], b"", final=False)
        if probe == "expect":
            return Reply(200, continue_first=expect_sent)
        extra = (("Link", "</style.css>; rel=preload; as=style"),) if code == 103 else ()
        return Reply(200, interim=((code, extra),))
    if 300 <= code < 400 and code != 304 and probe != "noloc":
        headers.append(("Location", "next"))
    if code == 401 and probe == "get":
        headers.append(("WWW-Authenticate", 'Basic realm="clients"'))
    if code == 407:
        headers.append(("Proxy-Authenticate", 'Basic realm="clients"'))
    if probe == "retry":
        headers.append(("Retry-After", "1"))
    if probe == "cache-lm":  # a validator a day old: heuristic freshness of 2.4 hours where allowed
        headers.append(("Last-Modified", formatdate(time.time() - 86400, usegmt=True)))
    if probe == "head":
        return Reply(200, headers)
    return Reply(code, headers)
