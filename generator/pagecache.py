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
import struct
from pathlib import Path
from typing import Any

# An entry is 88 bytes: the page's key, the SHA-256 of the file's bytes, then its size, mtime_ns
# and inode. One bytes object per page, and one blob on disk: at 30,000 pages, tuples of Python
# objects (and pickle's memo of them) took 10-20 MB of the build's peak memory.
_FILE = struct.Struct("<qqq")
ENTRY_SIZE = 64 + _FILE.size


def entry(key: bytes, digest: bytes, size: int, mtime_ns: int, inode: int) -> bytes:
    """One page's entry."""
    return key + digest + _FILE.pack(size, mtime_ns, inode)


def unpack_entry(data: bytes) -> tuple[bytes, int, int, int]:
    """(digest, size, mtime_ns, inode) of an entry."""
    return (data[32:64], *_FILE.unpack_from(data, 64))


class PageCache:
    """The last build's rendered pages, by output file name."""

    def __init__(self, path: Path | None, salt: bytes) -> None:
        self.path = path
        self.salt = salt
        self.entries: dict[str, bytes] = {}
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored_salt, names, blob = pickle.load(handle)
                names = names.split("\n") if names else []
                if stored_salt == salt and len(blob) == ENTRY_SIZE * len(names):
                    self.entries = {name: blob[i * ENTRY_SIZE : (i + 1) * ENTRY_SIZE] for i, name in enumerate(names)}
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, IndexError, TypeError, ValueError):
                self.entries = {}

    def key(self, template: str, lang: str, context: dict[str, Any]) -> bytes | None:
        """The key of one page, or None if its context cannot be pickled (never cached)."""
        try:
            data = pickle.dumps((template, lang, context), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None
        return hashlib.sha256(self.salt + data).digest()

    def find(self, name: str, key: bytes | None) -> bytes | None:
        """The entry of `name` if it was rendered from `key`."""
        found = self.entries.get(name)
        return found if key is not None and found is not None and found[:32] == key else None

    def save(self, entries: dict[str, bytes]) -> None:
        """Keep `entries` for the next build (atomically)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".tmp-{os.getpid()}")
        names = sorted(entries)
        with temporary.open("wb") as handle:
            pickle.dump((self.salt, "\n".join(names), b"".join(entries[n] for n in names)), handle, protocol=pickle.HIGHEST_PROTOCOL)
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
