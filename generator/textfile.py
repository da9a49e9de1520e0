"""Reading input files as text, strictly: UTF-8, size-limited, no NUL bytes."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, Problem, display_path

MAX_FILE_BYTES = 512 * 1024


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
