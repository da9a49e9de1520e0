"""Pages of the last build that need no rendering: a rebuild after a small change renders only
the pages whose inputs changed.

A page's key is a hash of everything its template sees (the view's context, pickled), of the
templates and translations, and of the generator's own code. The cache remembers, per output
file, the key it was rendered from and the file that build wrote (inode, size, modification
time). When the key matches and that very file is still in the output, it is hard-linked into
the new site unread; anything else (a changed input, a file edited or replaced in the output,
another output directory) renders the page again."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

Entry = tuple[bytes, bytes, int, int, int]  # key, SHA-256 of the bytes, size, mtime_ns, inode


class PageCache:
    """The last build's rendered pages, by output file name."""

    def __init__(self, path: Path | None, salt: bytes) -> None:
        self.path = path
        self.salt = salt
        self.entries: dict[str, Entry] = {}
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored = pickle.load(handle)
                if stored[0] == salt:
                    self.entries = stored[1]
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, IndexError, TypeError, ValueError):
                self.entries = {}

    def key(self, template: str, lang: str, context: dict[str, Any]) -> bytes | None:
        """The key of one page, or None if its context cannot be pickled (never cached)."""
        try:
            data = pickle.dumps((template, lang, context), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        return hashlib.sha256(self.salt + data).digest()

    def find(self, name: str, key: bytes | None) -> Entry | None:
        """The entry of `name` if it was rendered from `key`."""
        entry = self.entries.get(name)
        return entry if key is not None and entry is not None and entry[0] == key else None

    def save(self, entries: dict[str, Entry]) -> None:
        """Keep `entries` for the next build (atomically)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".tmp-{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump((self.salt, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.path)


def salt(*parts: object) -> bytes:
    """Everything outside the views that shapes every page, hashed."""
    return hashlib.sha256(repr(parts).encode("utf-8")).digest()


def tree_digest(folder: Path) -> str:
    """A hash of every file's name and bytes below `folder` (the templates)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
