"""Writing the site: refuse unsafe output directories, stage beside the target, swap atomically.

Unchanged files are hard-linked into the staging directory rather than rewritten, so their bytes
and modification times stay as they were; the swap itself is two renames under a lock."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import filecmp
import hashlib
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputRefused
from .parallel import INHERITED_LOCKS

MANIFEST = ".generator-manifest"
PROTECTED = ("content", "templates", "locales", "generator", "tests", ".git")


@dataclass(frozen=True)
class WriteStats:
    """How many files a write changed, kept and removed."""

    written: int
    unchanged: int
    removed: int


def check_output_dir(out: Path, root: Path) -> None:
    """Raise OutputRefused unless `out` is safe to replace wholesale."""
    if out.is_symlink():
        raise OutputRefused(f"{out}: the output directory is a symlink; give the real path")
    real = out.resolve()
    project = root.resolve()
    home = Path.home().resolve()
    if real == Path(real.anchor) or real == home:
        raise OutputRefused(f"{out}: refusing to use {real} as the output directory")
    if real == project or real in project.parents:
        raise OutputRefused(f"{out}: the output directory may not be the project root or above it")
    for name in PROTECTED:
        guarded = (project / name).resolve()
        if real == guarded or guarded in real.parents:
            raise OutputRefused(f"{out}: the output directory may not be inside {name}/")
    if not real.exists():
        return
    if not real.is_dir():
        raise OutputRefused(f"{out}: exists and is not a directory")
    if (real / ".git").exists():
        raise OutputRefused(f"{out}: holds a .git directory; refusing to replace it")
    present = set(_files(real))
    if not present:
        return
    manifest = real / MANIFEST
    if not manifest.is_file():
        raise OutputRefused(f"{out}: holds files the generator did not write; empty it or choose another directory")
    written = set(manifest.read_text(encoding="utf-8").splitlines()) | {MANIFEST}
    foreign = sorted(present - written)
    if foreign:
        raise OutputRefused(f"{out}: holds files the generator did not write, e.g. {foreign[0]}; remove them or choose another directory")


def _files(directory: Path) -> Iterator[str]:
    """Relative paths of every file and symlink below `directory`."""
    for dirpath, _, filenames in os.walk(directory):
        for name in filenames:
            yield (Path(dirpath) / name).relative_to(directory).as_posix()


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock beside `out` for the duration; a second build refuses at once.
    flock is released by the kernel even when the holder is killed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputRefused(f"{out}: another build is writing this directory") from None
        INHERITED_LOCKS.add(handle.fileno())
        try:
            yield
        finally:
            INHERITED_LOCKS.discard(handle.fileno())


def _remove_stale(out: Path) -> None:
    """Remove staging and old directories left by a build that was killed (we hold the lock)."""
    for stale in out.parent.glob(f".{out.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)


class Memory(dict):
    """A sink that keeps every output file in memory (tests, the dev server, `check`)."""

    directory: Path | None = None

    def add(self, name: str, data: bytes) -> None:
        """Keep one output file."""
        self[name] = data

    def add_parts(self, name: str, parts: Iterable[bytes]) -> None:
        """Keep one output file given in pieces."""
        self[name] = b"".join(parts)

    @property
    def digests(self) -> dict[str, bytes]:
        """SHA-256 of every file, by name."""
        return {name: hashlib.sha256(data).digest() for name, data in self.items()}


class Staging:
    """A sink that writes output files straight into a staging directory beside `out`; `commit`
    swaps it in. Files whose bytes did not change are hard-linked, keeping inode and mtime."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.directory = out.parent / f".{out.name}.staging-{os.getpid()}"
        self.digests: dict[str, bytes] = {}
        self.written = self.unchanged = 0
        self._made: set[str] = set()
        self._staging, self._out = str(self.directory), str(out)
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        self._janitor = _start_janitor(self.directory)

    def add(self, name: str, data: bytes) -> None:
        """Write one output file."""
        self.record(name, *self.store(name, data))

    def add_parts(self, name: str, parts: Iterable[bytes]) -> None:
        """Write one output file piece by piece, so a large one is never whole in memory; kept
        as a hard link to the previous site's file when the bytes are the same."""
        target = self._target(name)
        digest = hashlib.sha256()
        with open(target, "wb") as handle:
            for part in parts:
                digest.update(part)
                handle.write(part)
        previous = os.path.join(self._out, name)
        unchanged = _same_files(previous, target)
        if unchanged:
            os.unlink(target)
            os.link(previous, target)
        self.record(name, digest.digest(), unchanged)

    def store(self, name: str, data: bytes) -> tuple[bytes, bool]:
        """Write one file into the staging directory, hard-linking it when its bytes did not
        change; returns (digest, unchanged). Safe in a worker process: it touches no state.
        (Plain os calls on strings: this runs once per output file, tens of thousands of times.)"""
        target = self._target(name)
        previous = os.path.join(self._out, name)
        unchanged = _same_bytes(previous, data)
        if unchanged:
            os.link(previous, target)
        else:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(descriptor, view) :]
            finally:
                os.close(descriptor)
        return hashlib.sha256(data).digest(), unchanged

    def reuse(self, name: str, digest: bytes, size: int, mtime_ns: int, inode: int) -> tuple[bytes, bool] | None:
        """Hard-link the previous site's `name` unread when it is still the very file a page
        cache recorded (same inode, size and mtime); None when it is not."""
        previous = os.path.join(self._out, name)
        try:
            info = os.lstat(previous)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or (info.st_ino, info.st_size, info.st_mtime_ns) != (inode, size, mtime_ns):
            return None
        os.link(previous, self._target(name))
        return digest, True

    def _target(self, name: str) -> str:
        """Where `name` goes in the staging directory, its folder made."""
        target = os.path.join(self._staging, name)
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        return target

    def identity(self, name: str) -> tuple[int, int, int]:
        """(size, mtime_ns, inode) of a staged file: what a page cache records of it."""
        info = os.lstat(os.path.join(self._staging, name))
        return info.st_size, info.st_mtime_ns, info.st_ino

    def record(self, name: str, digest: bytes, unchanged: bool) -> None:
        """Count a file that `store` wrote (perhaps in a worker)."""
        self.digests[name] = digest
        if unchanged:
            self.unchanged += 1
        else:
            self.written += 1

    def commit(self) -> WriteStats:
        """Write the manifest and swap the staging directory in place of `out`."""
        (self.directory / MANIFEST).write_text("".join(f"{n}\n" for n in sorted(self.digests)), encoding="utf-8")
        old_names = set(_files(self.out)) - {MANIFEST} if self.out.exists() else set()
        stats = WriteStats(written=self.written, unchanged=self.unchanged, removed=len(old_names - set(self.digests)))
        _swap(self.directory, self.out)
        return stats

    def discard(self) -> None:
        """Remove the staging directory (after a commit it holds the previous site)."""
        shutil.rmtree(self.directory, ignore_errors=True)
        if self._janitor is not None:
            pipe, pid = self._janitor
            self._janitor = None
            os.close(pipe)  # the janitor sees the pipe close, finds nothing left, exits
            # Wait for it: until the forked janitor has run far enough to close its copy of the
            # lock, that copy keeps the lock held after ours is released.
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _start_janitor(directory: Path) -> tuple[int, int] | None:
    """Fork a process that removes `directory` once this one ends, however it ends: a build
    killed with SIGKILL cannot clean up after itself. Returns the pipe whose closing ends it and
    the janitor's pid."""
    if not hasattr(os, "fork"):
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the janitor: no lock, no inherited work; wait for the pipe to close
        try:
            os.close(write_end)
            for descriptor in INHERITED_LOCKS:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
            os.setsid()  # out of the build's process group, so a signal to the group spares it
            while os.read(read_end, 1):
                pass
            shutil.rmtree(directory, ignore_errors=True)
        finally:
            os._exit(0)
    os.close(read_end)
    return write_end, pid


@contextlib.contextmanager
def staged(out: Path, root: Path, *, locked: bool = False) -> Iterator[Staging]:
    """Check `out`, lock it (unless the caller holds the lock) and stage a new site for it; the
    caller commits. On any failure the staging directory goes and `out` is untouched."""
    out = Path(os.path.abspath(out))
    check_output_dir(out, root)
    with contextlib.nullcontext() if locked else output_lock(out):
        _remove_stale(out)
        staging = Staging(out)
        try:
            yield staging
        finally:
            staging.discard()


def write_site(out: Path, files: Mapping[str, bytes], root: Path, *, locked: bool = False) -> WriteStats:
    """Replace `out` with exactly `files`, atomically."""
    with staged(out, root, locked=locked) as staging:
        for name in sorted(files):
            staging.add(name, files[name])
        return staging.commit()


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out`. On Linux one renameat2(RENAME_EXCHANGE) call swaps them, so
    there is no instant without a site; elsewhere, two renames."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(staging, out)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result != 0:
        error = ctypes.get_errno()
        if error in (errno.EINVAL, errno.ENOSYS):
            return False
        raise OSError(error, os.strerror(error), str(b))
    return True


def _same_files(path: str, other: str) -> bool:
    """True when `path` is a regular file (not a symlink) with the same bytes as `other`."""
    try:
        info = os.lstat(path)
        return stat.S_ISREG(info.st_mode) and info.st_size == os.path.getsize(other) and filecmp.cmp(path, other, shallow=False)
    except OSError:
        return False


def _same_bytes(path: str, data: bytes) -> bool:
    """True when `path` is a regular file (not a symlink) holding exactly `data`."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
