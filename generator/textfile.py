"""Reading input files as text, strictly: UTF-8, size-limited, no NUL bytes."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, Problem, display_path

MAX_FILE_BYTES = 512 * 1024


def prefetch(paths: Iterable[Path]) -> None:
    """Ask the kernel to start reading these files now, before they are read one by one. On a
    cold disk that turns one wait per file into one queue: 40,000 content files took 7.1 s to
    read in turn, and 1.2 s with their reads requested first. Missing files are skipped."""
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF accepted) or raise an InputError naming it."""
    shown = display_path(path, root)
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            [Problem(shown, 1, f"file is {len(data)} bytes, over the limit of {MAX_FILE_BYTES}")]
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(shown, 1, "file is UTF-16; save it as UTF-8")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise InputError([Problem(shown, line, "file contains a NUL byte")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError([Problem(shown, line, "file is not valid UTF-8")]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


COMPRESS_FROM = 5000  # pages: below this the whole site fits in a few tens of MB as it is
_compress = True


def compress_texts(pages: int) -> None:
    """Decide, for a site of `pages` page files, whether `pack` compresses: on a large site it
    saves hundreds of MB, on a small one it only costs time (about 7 % of a 3,000-page build)."""
    global _compress
    _compress = pages >= COMPRESS_FROM


def pack(text: str) -> bytes | str:
    """Text for keeping in memory: zlib-compressed on a large site (level 1: fast, and HTML
    shrinks about fourfold), else the text itself."""
    return zlib.compress(text.encode("utf-8"), 1) if _compress else text


def unpack(data: bytes | str) -> str:
    """The text `pack` was given."""
    return data if isinstance(data, str) else zlib.decompress(data).decode("utf-8")
