"""`content/clients.json`: how real HTTP clients treated each code, as tools/clients measured it.
Loaded and checked here, and turned into the rows of each code page's "How clients handle it" table."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, did_you_mean
from .textfile import read_text

PATH = Path("content") / "clients.json"
# The exchanges, in the order of the table's columns; the cache probes make a sentence instead.
PROBES = ("get", "post", "noloc", "head", "bare", "retry", "expect")
# Variants nearly every client treats alike: a sentence under the table (the exceptions, then
# everyone else) keeps the table narrow enough for a phone.
NOTED = ("noloc", "bare")
CACHE_PROBES = ("cache", "cache-lm")
# Each recorded field and the type it must have.
FIELDS: dict[str, tuple[type, ...]] = {
    "status": (int,),
    "error": (str,),
    "requests": (int, str),
    "follow": (str,),
    "follow_body": (bool,),
    "resolved": (bool,),
    "waited": (bool,),
    "body": (int,),
    "expect": (bool,),
    "reused": (bool,),
    "varies": (bool,),
}
CLIENT_FIELDS = ("key", "name", "product", "version")


@dataclass(frozen=True, slots=True)
class Client:
    """One measured client and the version measured."""

    key: str
    name: str
    product: str  # what `version` is the version of: 'Python' for urllib.request
    version: str


@dataclass(frozen=True, slots=True)
class Row:
    """One client's cells, one per column (None where the client cannot make that exchange)."""

    client: Client
    cells: tuple[tuple[tuple[str, Any], ...] | None, ...]

    @property
    def label(self) -> tuple[str, ...]:
        """The client's name in pieces a narrow column may break between; a browser's navigation
        is named by the browser alone (the table's legend says so), which keeps the column narrow."""
        return breakable(self.client.product if self.client.key == "chromium" else self.client.name)


_BREAK = re.compile(r"(?<=[._])|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def breakable(name: str) -> tuple[str, ...]:
    """'HTTPError' -> ('HTTP', 'Error'), 'urllib.request' -> ('urllib.', 'request'): where a phone's
    narrow table column may wrap a long identifier (the template puts <wbr> between the pieces)."""
    return tuple(piece for piece in _BREAK.split(name) if piece)


@dataclass(frozen=True, slots=True)
class Note:
    """A variant told in a sentence: the exceptions (client's name in pieces, tokens), then the rest."""

    probe: str
    common: tuple[tuple[str, Any], ...] | None
    others: tuple[tuple[tuple[str, ...], tuple[tuple[str, Any], ...] | None], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """What a code page shows: the columns (probe names), a row per client, the browser's cache."""

    code: int
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[Note, ...]
    reused: tuple[tuple[str, bool], ...]  # (cache probe, reused on a second navigation)
    products: tuple[tuple[str, str], ...]  # (product, version) of every client


@dataclass(frozen=True, slots=True)
class Clients:
    """The whole file, checked."""

    clients: tuple[Client, ...]
    codes: dict[int, dict[str, dict[str, dict[str, Any]]]]

    def table(self, code: int) -> Table | None:
        """The table for one code, or None when it was not measured."""
        probes = self.codes.get(code)
        if not probes:
            return None
        columns = tuple(p for p in PROBES if p in probes and p not in NOTED)
        rows = tuple(
            Row(client, tuple(cell(probes[p].get(client.key)) for p in columns))
            for client in self.clients
            if any(client.key in cells for cells in probes.values())
        )
        notes = tuple(self._note(p, probes[p]) for p in NOTED if p in probes)
        reused = tuple(
            (p, probes[p][key]["reused"])
            for p in CACHE_PROBES
            if p in probes
            for key in probes[p]
            if "reused" in probes[p][key]
        )
        return Table(code, columns, rows, notes, reused, self.products())

    def _note(self, probe: str, cells: dict[str, dict[str, Any]]) -> Note:
        """One variant in a sentence: what most clients did, and each client that did otherwise."""
        results = [(client, cell(cells[client.key])) for client in self.clients if client.key in cells]
        counts: dict[Any, int] = {}
        for _, tokens in results:
            counts[tokens] = counts.get(tokens, 0) + 1
        common = max(counts, key=lambda tokens: counts[tokens])  # the first of the most frequent
        others = tuple((Row(client, ()).label, tokens) for client, tokens in results if tokens != common)
        return Note(probe, common, others)

    def products(self) -> tuple[tuple[str, str], ...]:
        """Each product once, with its version, in the order of the clients."""
        return tuple(dict.fromkeys((c.product, c.version) for c in self.clients))

    def data(self, code: int) -> dict[str, Any] | None:
        """One code's observations as the JSON twin publishes them (None when not measured)."""
        probes = self.codes.get(code)
        if not probes:
            return None
        return {
            "clients": [
                {"key": c.key, "name": c.name, "product": c.product, "version": c.version} for c in self.clients
            ],
            "probes": probes,
        }


def cell(seen: dict[str, Any] | None) -> tuple[tuple[str, Any], ...] | None:
    """One observation as the template's tokens, in reading order: what the caller got, then
    what the server saw (a follow-up request, repeats, a waited Retry-After, a delivered body)."""
    if seen is None:
        return None
    if seen.get("varies"):
        return (("varies", True),)
    tokens: list[tuple[str, Any]] = []
    if "follow" in seen:
        tokens.append(("follow", seen["follow"]))
        if seen.get("follow_body") and seen["follow"] != "GET":
            tokens.append(("follow_body", True))
        elif seen.get("follow_body") is False and seen["follow"] != "GET":
            tokens.append(("follow_body", False))
        if seen.get("resolved") is False:
            tokens.append(("misresolved", True))
        if "error" in seen:
            tokens.append(("error", breakable(seen["error"])))
    elif "error" in seen:
        tokens.append(("error", breakable(seen["error"])))
    else:
        tokens.append(("status", seen["status"]))
    if "requests" in seen:
        tokens.append(("requests", seen["requests"]))
    if "waited" in seen:
        tokens.append(("waited", seen["waited"]))
    if seen.get("body"):
        tokens.append(("body", seen["body"]))
    if seen.get("expect") is False:
        tokens.append(("no_expect", True))
    return tuple(tokens)


def load_clients(root: Path) -> Clients | None:
    """Read `content/clients.json` (None when there is none); raise InputError on bad data.
    Cached by the file's size and modification time: every code page asks for it."""
    path = root / PATH
    if not os.path.lexists(path):
        return None
    try:
        stat = path.stat()
    except OSError:
        read_text(path, root)  # a dangling or looping symlink: raises the InputError naming it
        raise
    return _load(str(path), str(root), PATH.as_posix(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: str, root: str, shown: str, mtime_ns: int, size: int) -> Clients:
    return parse_clients(read_text(Path(path), Path(root)), path=shown)


def parse_clients(text: str, *, path: str) -> Clients:
    """Parse and check the file's text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError([Problem(path, error.lineno, f"invalid JSON: {error.msg}")]) from None
    except RecursionError:
        raise InputError([Problem(path, 1, "invalid JSON: nested too deeply")]) from None
    lines = text.split("\n")

    def line(*keys: str) -> int:
        """The line of the last of `keys`, each looked for after the line of the one before."""
        at = 0
        for key in keys:
            pattern = re.compile(rf'^\s*"{re.escape(key)}"\s*:')
            found = next((i for i in range(at, len(lines)) if pattern.match(lines[i])), None)
            if found is None:
                return at + 1 if at else 1
            at = found
        return at + 1

    if not isinstance(data, dict):
        raise InputError([Problem(path, 1, "must be a JSON object with 'clients' and 'codes'")])
    problems: list[Problem] = []
    for key in data:
        if key not in ("about", "clients", "codes"):
            problems.append(
                Problem(path, line(key), f"unknown key '{key}'{did_you_mean(key, ('about', 'clients', 'codes'))}")
            )
    clients = _clients(data.get("clients"), path, line("clients"), problems)
    known = {c.key for c in clients}
    codes: dict[int, dict[str, dict[str, dict[str, Any]]]] = {}
    table = data.get("codes")
    if not isinstance(table, dict):
        problems.append(
            Problem(path, line("codes"), "'codes' must be an object: code -> probe -> client -> observation")
        )
        table = {}
    for code, probes in table.items():
        if not (code.isdigit() and 100 <= int(code) <= 599):
            problems.append(Problem(path, line("codes", code), f"'{code}' is not a status code (100-599)"))
            continue
        if not isinstance(probes, dict):
            problems.append(Problem(path, line("codes", code), f"{code}: must be an object of probes"))
            continue
        for probe, cells in probes.items():
            if probe not in PROBES + CACHE_PROBES:
                problems.append(
                    Problem(
                        path,
                        line("codes", code, probe),
                        f"{code}: unknown probe '{probe}'{did_you_mean(probe, PROBES + CACHE_PROBES)}",
                    )
                )
                continue
            for client, seen in cells.items() if isinstance(cells, dict) else ():
                at = line("codes", code, probe, client)
                if client not in known:
                    problems.append(
                        Problem(
                            path,
                            at,
                            f"{code} {probe}: client '{client}' is not in 'clients'{did_you_mean(client, known)}",
                        )
                    )
                problems += _observation(seen, path, at, f"{code} {probe} {client}", cache=probe in CACHE_PROBES)
        codes[int(code)] = probes
    if problems:
        raise InputError(problems)
    return Clients(clients=tuple(clients), codes=codes)


def _clients(items: Any, path: str, at: int, problems: list[Problem]) -> list[Client]:
    """The 'clients' list: key, name and version of each, keys unique."""
    if not isinstance(items, list):
        problems.append(Problem(path, at, "'clients' must be a list of {key, name, product, version}"))
        return []
    found: list[Client] = []
    for index, item in enumerate(items):
        where = at + 1 + index  # the file keeps one client a line
        if (
            not isinstance(item, dict)
            or sorted(item) != sorted(CLIENT_FIELDS)
            or not all(isinstance(v, str) and v for v in item.values())
        ):
            problems.append(
                Problem(
                    path, where, "each client needs exactly 'key', 'name', 'product' and 'version', non-empty strings"
                )
            )
        elif any(c.key == item["key"] for c in found):
            problems.append(Problem(path, where, f"client '{item['key']}' is listed twice"))
        else:
            found.append(Client(**item))
    return found


def _observation(seen: Any, path: str, at: int, where: str, *, cache: bool) -> list[Problem]:
    """Problems with one recorded observation."""
    if not isinstance(seen, dict):
        return [Problem(path, at, f"{where}: must be an object")]
    problems = []
    for key, value in seen.items():
        types = FIELDS.get(key)
        if types is None:
            problems.append(Problem(path, at, f"{where}: unknown field '{key}'{did_you_mean(key, FIELDS)}"))
        elif not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            problems.append(Problem(path, at, f"{where}: '{key}' must be {' or '.join(t.__name__ for t in types)}"))
    if problems or seen.get("varies"):
        return problems
    if cache:
        if "reused" not in seen and "requests" not in seen:
            problems.append(Problem(path, at, f"{where}: a cache probe records 'reused'"))
    elif ("status" in seen) == ("error" in seen):
        problems.append(Problem(path, at, f"{where}: needs either 'status' or 'error'"))
    elif "status" in seen and not 100 <= seen["status"] <= 599:
        problems.append(Problem(path, at, f"{where}: status {seen['status']} is outside 100-599"))
    if isinstance(seen.get("requests"), str) and seen["requests"] != "varies":
        problems.append(Problem(path, at, f"{where}: 'requests' is a number or \"varies\""))
    return problems


def versions(root: Path) -> tuple[tuple[str, str], ...]:
    """Each measured product once, with its version: (('curl', '7.88.1'), ...); () when none."""
    loaded = load_clients(root)
    return loaded.products() if loaded else ()


__all__ = ["Client", "Clients", "Note", "Row", "Table", "load_clients", "parse_clients", "versions"]
