"""The one way in for input files: regular files inside the project, size-limited, read
without blocking; text strictly UTF-8 with no NUL bytes."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .errors import InputError, Problem, display_path

MAX_FILE_BYTES = 512 * 1024


def _refusal(path: Path, root: Path) -> str | None:
    """Why `path` is not a regular file inside the project, or None when it is."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return "is a symlink to a missing file" if os.path.islink(path) else "file not found"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symlink loop"
        return f"cannot read: {error.strerror}"
    if not _inside(real, root):
        return "is a symlink to a file outside the project"
    return None


def _kind(mode: int) -> str | None:
    """What is wrong with a file of this mode, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is a device, not a file"


def read_input(path: Path, root: Path) -> bytes:
    """The bytes of an input file, which must be a regular file inside the project root (after
    symlinks) and at most MAX_FILE_BYTES long; anything else raises an InputError naming it.
    The file is opened without blocking and checked again once open, so a FIFO cannot hang the
    build and a file swapped for something else meanwhile is still refused."""
    shown = display_path(path, root)

    def refuse(message: str) -> InputError:
        return InputError([Problem(shown, 1, message)])

    refused = _refusal(path, root)
    if refused is not None:
        raise refuse(refused)
    try:
        found = os.stat(path)
        wrong = _kind(found.st_mode)
        if wrong is not None:  # not opened at all: opening a device can have effects
            raise refuse(wrong)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            opened = os.fstat(descriptor)
            wrong = _kind(opened.st_mode)
            if wrong is not None:
                raise refuse(wrong)
            if opened.st_size > MAX_FILE_BYTES:
                raise refuse(f"file is {opened.st_size} bytes, over the limit of {MAX_FILE_BYTES}")
            chunks = []
            size = 0
            while size <= MAX_FILE_BYTES:
                chunk = os.read(descriptor, MAX_FILE_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise refuse(f"cannot read: {error.strerror or error}") from None
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:  # grew since it was measured
        raise refuse(f"file is over the limit of {MAX_FILE_BYTES} bytes")
    return data


def decode_text(data: bytes, shown: str) -> str:
    """UTF-8 bytes (BOM and CRLF accepted) as text, or an InputError naming `shown`."""
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


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF accepted) through read_input, or raise an InputError
    naming it."""
    return decode_text(read_input(path, root), display_path(path, root))


def _inside(real: Path, root: Path) -> bool:
    """True when the resolved path `real` is the resolved project root or lies under it."""
    base = root.resolve()
    return real == base or base in real.parents


def list_folder(directory: Path, root: Path) -> list[Path]:
    """Everything in `directory`, sorted by name ([] when it does not exist or is a file); a
    folder that is a symlink leading out of the project, or into a loop, is refused."""
    shown = display_path(directory, root)
    try:
        real = Path(os.path.realpath(directory, strict=True))
    except FileNotFoundError:
        return []
    except OSError as error:
        message = "is a symlink loop" if error.errno == errno.ELOOP else f"cannot list folder: {error.strerror}"
        raise InputError([Problem(shown, 1, message)]) from None
    if not _inside(real, root):
        raise InputError([Problem(shown, 1, "is a symlink to a folder outside the project")])
    try:
        with os.scandir(directory) as found:
            names = sorted(entry.name for entry in found)
    except NotADirectoryError:
        return []
    except OSError as error:
        raise InputError([Problem(shown, 1, f"cannot list folder: {error.strerror}")]) from None
    return [directory / name for name in names]


def walk_files(folder: Path, root: Path) -> list[Path]:
    """Every entry under `folder` that is not a folder, recursively, in name order; folders are
    listed by list_folder (never outside the project) and each real folder once (no loops)."""
    found: list[Path] = []
    seen: set[str] = set()

    def visit(directory: Path) -> None:
        real = os.path.realpath(directory)
        if real in seen:
            return
        seen.add(real)
        for path in list_folder(directory, root):
            if path.is_dir():
                visit(path)
            else:
                found.append(path)

    visit(folder)
    return found
