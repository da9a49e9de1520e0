"""Rendered pages of the last build, so that a rebuild renders only the pages whose inputs changed.

A page's key is a hash of everything its template sees (the view, pickled) and of everything
else that shapes every page (`salt`: the generator's code and dependencies, the templates, the
translations, the settings). The cache remembers, per output file, the key it was rendered from
and the digest of the bytes it gave; the output (write.Output.reuse) then puts those bytes in
place from the previous site, if that still holds them untouched."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any

from .errors import InputError
from .textfile import read_input, walk_files


class PageCache:
    """Output file name -> (page key, digest of the bytes rendered from it)."""

    def __init__(
        self, path: Path | None, salts: dict[str, bytes], entries: dict[str, tuple[bytes, bytes]] | None = None
    ) -> None:
        self.path = path
        self.salts = salts  # language -> what shapes every page in it besides its view
        self.entries: dict[str, tuple[bytes, bytes]] = entries or {}
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    entries = pickle.load(handle)
                if isinstance(entries, dict):
                    self.entries = entries
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, IndexError, TypeError, ValueError):
                self.entries = {}

    def key(self, template: str, lang: str, context: dict[str, Any]) -> bytes | None:
        """The key of one page, or None if its context cannot be pickled (never cached)."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # Without pickle's memo, equal views give equal bytes. With it, an object met twice is
        # written once and then referred to, so the bytes depended on which fields shared objects:
        # a page whose view was equal but built partly from objects kept from the build before
        # (parsed pages, rendered bodies) got a new key and was rendered again.
        pickler.fast = True
        try:
            pickler.dump((template, lang, context))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None
        return hashlib.sha256(self.salts[lang] + buffer.getvalue()).digest()

    def find(self, name: str, key: bytes | None) -> bytes | None:
        """The digest of `name` if it was rendered from `key`."""
        found = self.entries.get(name)
        return found[1] if key is not None and found is not None and found[0] == key else None

    def save(self, entries: dict[str, tuple[bytes, bytes]]) -> None:
        """Keep `entries` for the next build (atomically, on disk when the cache has a path)."""
        self.entries = entries
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".tmp-{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def salt(*parts: object) -> bytes:
    """Everything outside the views that shapes every page, hashed."""
    return hashlib.sha256(repr(parts).encode("utf-8")).digest()


def tree_digest(folder: Path) -> str:
    """A hash of every file's name and bytes below `folder` (the templates, in the project
    root), read through textfile: what it refuses is hashed as refused, for the template loader
    and static_files to report, and nothing outside the project is read."""
    digest = hashlib.sha256()
    root = folder.parent
    try:
        paths = walk_files(folder, root)
    except InputError:
        return "refused"  # static_files or the template loader reports the folder
    for path in paths:
        try:
            data = read_input(path, root)
        except InputError:
            data = b"refused"
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()
