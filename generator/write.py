"""Writing the site: refuse unsafe output directories, bring a spare copy of the site up to date
beside the output, then swap the two atomically.

The output directory `out` always holds a whole site. Beside it, `.<out>.spare` holds the site
of the build before (what the last swap took out of `out`); each build brings the spare up to
date, writing only the files whose bytes changed and removing the files no longer built, then
exchanges it with `out`. A one-page edit therefore writes a few files instead of a whole tree,
and at no instant is there a half-written site in `out`. Every file is recorded in the site's
manifest with its digest and identity (size, mtime, inode, mode), so a file changed by hand, in
either tree, is never trusted: it is written again."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import OutputRefused

MANIFEST = ".generator-manifest"
PROTECTED = ("content", "templates", "locales", "generator", "tests", ".git")
FILE_MODE, FOLDER_MODE = 0o644, 0o755  # set on everything written, whatever the umask or the old tree had
Identity = tuple[int, int, int, int]  # size, mtime_ns, inode, mode of a file on disk


@dataclass(frozen=True)
class WriteStats:
    """How many files a write changed, kept and removed."""

    written: int
    unchanged: int
    removed: int


class Output(Protocol):
    """Where a build puts its files: in memory, or a directory on disk. `store` and `place` only
    put files (a worker process may call them); `record` counts them, in the building process."""

    def store(self, name: str, data: bytes) -> bytes:
        """Put one file; returns its SHA-256 digest."""

    def place(self, name: str, digest: bytes) -> bool:
        """Put the file `name` with bytes of this `digest` from the previous site, if it has it."""

    def record(self, name: str, digest: bytes) -> None:
        """Count a file put in place by `store` or `place`."""

    def add_parts(self, name: str, parts: Iterable[bytes]) -> bytes:
        """Put and record one file given in pieces (never whole in memory); returns its digest."""

    @property
    def digests(self) -> dict[str, bytes]:
        """Every file recorded so far, by name."""


def add(output: Output, name: str, data: bytes) -> bytes:
    """Put and record one file."""
    digest = output.store(name, data)
    output.record(name, digest)
    return digest


def _safe_name(name: str) -> str:
    """`name` if it is a relative path that stays inside the site (a second line of defence: routes
    and settings are checked where they are made)."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or "\0" in name or any(p in ("", ".", "..") for p in parts):
        raise OutputRefused(f"refusing to write {name!r}: output names must be relative paths inside the site")
    return name


def digest_of(data: bytes) -> bytes:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(data).digest()


class Memory(dict[str, bytes]):
    """An output in memory (tests, `check`, the dev server). With the `previous` site's files,
    `reuse` takes a file from there when its digest matches."""

    def __init__(
        self,
        files: Mapping[str, bytes] | None = None,
        *,
        previous: Mapping[str, bytes] | None = None,
        previous_digests: Mapping[str, bytes] | None = None,
    ) -> None:
        super().__init__(files or {})
        self.previous = previous or {}
        self.previous_digests = previous_digests or {}
        self._digests: dict[str, bytes] = {name: digest_of(data) for name, data in self.items()}

    def store(self, name: str, data: bytes) -> bytes:
        self[_safe_name(name)] = data
        return digest_of(data)

    def place(self, name: str, digest: bytes) -> bool:
        if self.previous_digests.get(name) != digest or name not in self.previous:
            return False
        self[name] = self.previous[name]
        return True

    def record(self, name: str, digest: bytes) -> None:
        if name in self._digests:
            raise OutputRefused(f"{name}: written twice in one build")
        self._digests[name] = digest

    def add_parts(self, name: str, parts: Iterable[bytes]) -> bytes:
        return add(self, name, b"".join(parts))

    @property
    def digests(self) -> dict[str, bytes]:
        return self._digests


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
    present = _entries(real)
    if not present:
        return
    written = read_manifest(real)
    if written is None:
        raise OutputRefused(f"{out}: holds files the generator did not write; empty it or choose another directory")
    expected = set(written) | {MANIFEST} | _folders(written)
    foreign = sorted(present - expected)
    if foreign:
        raise OutputRefused(
            f"{out}: holds files the generator did not write, e.g. {foreign[0]}; remove them or choose another directory"
        )


def _entries(directory: Path) -> set[str]:
    """Relative paths of every file, folder and symlink below `directory` (symlinks not followed)."""
    return set(_kinds(directory))


def _kinds(directory: Path) -> dict[str, bool]:
    """Every file, folder and symlink below `directory` by relative path: True for a real folder
    (symlinks not followed; the kind comes with the listing, no stat per entry)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(directory):
        base = os.path.relpath(dirpath, directory)
        prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
        for name in dirnames:  # os.walk lists a symlink to a folder here, and does not enter it
            found[prefix + name] = not os.path.islink(os.path.join(dirpath, name))
        for name in filenames:
            found[prefix + name] = False
    return found


def _folders(names: Iterable[str]) -> set[str]:
    """Every folder the files `names` lie in."""
    folders = set()
    for name in names:
        parent = os.path.dirname(name)
        while parent and parent not in folders:
            folders.add(parent)
            parent = os.path.dirname(parent)
    return folders


def read_manifest(site: Path) -> dict[str, bytes] | None:
    """A site's manifest: every file's digest, by name; None when there is none. A line that
    names a file without a digest (as manifests before this format did) gives b"": the file counts
    as the generator's but is never reused."""
    try:
        lines = (site / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    entries = {}
    for line in lines:
        name, _, digest = line.partition(" ")
        try:
            entries[name] = bytes.fromhex(digest)
        except ValueError:
            entries[line] = b""
    return entries


def write_manifest(site: Path, digests: Mapping[str, bytes]) -> None:
    """Record every file of `site` with its digest (deterministic: the same site, the same bytes)."""
    temporary = site / f"{MANIFEST}.tmp-{os.getpid()}"
    temporary.write_text("".join(f"{name} {digests[name].hex()}\n" for name in sorted(digests)), encoding="utf-8")
    os.chmod(temporary, FILE_MODE)
    os.replace(temporary, site / MANIFEST)


def identities_path(out: Path) -> Path:
    """Beside `out`: the identity of every file of the site and of its spare, as last written.
    (Outside the trees, so that the site itself is reproducible. A record that is stale, e.g. after
    a build killed between the swap and writing this, can only fail to match: files are never
    changed in place, so a file with the recorded inode, size and mtime has the recorded bytes.)"""
    return out.parent / f".{out.name}.identities"


def read_identities(out: Path) -> dict[str, dict[str, Identity]]:
    """Tree path -> file name -> identity; {} when unreadable."""
    try:
        data = json.loads(identities_path(out).read_text(encoding="utf-8"))
        return {tree: {name: tuple(found) for name, found in files.items()} for tree, files in data.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def write_identities(out: Path, trees: Mapping[str, Mapping[str, Identity]]) -> None:
    """Replace the identities record (atomically)."""
    path = identities_path(out)
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps({tree: dict(files) for tree, files in trees.items()}), encoding="utf-8")
    os.replace(temporary, path)


def identities_of(site: Path, names: Iterable[str]) -> dict[str, Identity]:
    """The identity of each of `names` in `site`."""
    found = {}
    for name in names:
        info = identity(os.path.join(site, name))
        if info is None:
            raise OutputRefused(f"{name}: missing from the site in {site}")
        found[name] = info
    return found


def _entries_of(
    digests: Mapping[str, bytes], identities: Mapping[str, Identity]
) -> dict[str, tuple[bytes, Identity | None]]:
    """Each file's digest with its recorded identity (None when unknown: never trusted)."""
    return {name: (digest, identities.get(name)) for name, digest in digests.items()}


def identity(path: str) -> Identity | None:
    """(size, mtime_ns, inode, mode) of a regular file; None for anything else or nothing."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode) if stat.S_ISREG(info.st_mode) else None


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock beside `out` for the duration (builds and the dev server alike); a
    second holder refuses at once. flock is released by the kernel even when the holder is killed."""
    import fcntl  # POSIX only; imported here so that the rest of the module loads anywhere

    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputRefused(f"{out}: another build or dev server is writing this directory") from None
        yield


def spare_path(out: Path) -> Path:
    """Where the previous site is kept beside `out`."""
    return out.parent / f".{out.name}.spare"


class Staging:
    """An output on disk: the spare site beside `out`, brought up to date file by file; `commit`
    swaps it in. Worker processes may call `add` and `reuse` (they change only files on disk and
    return the digest); the parent records what they did with `record`."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.directory = spare_path(out)
        self._staging, self._out = str(self.directory), str(out)
        known = read_identities(out)
        self.live = _entries_of(read_manifest(out) or {}, known.get(str(out), {}))
        kept = read_manifest(self.directory) if self.directory.is_dir() else None
        if kept is None:  # no usable spare: start from nothing
            shutil.rmtree(self.directory, ignore_errors=True)
            kept = {}
        else:  # from here until commit the spare is half-made: without a manifest, never trusted again
            (self.directory / MANIFEST).unlink(missing_ok=True)
        self.kept = _entries_of(kept, known.get(str(self.directory), {}))
        self.directory.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        self._real = os.path.realpath(self.directory)
        self.recorded: dict[str, bytes] = {}
        self.written = self.unchanged = 0
        self._made: set[str] = set()

    @property
    def digests(self) -> dict[str, bytes]:
        return self.recorded

    def add_parts(self, name: str, parts: Iterable[bytes]) -> bytes:
        target = self._target(name)
        temporary = f"{target}.tmp-{os.getpid()}"
        digest = self._write_file(temporary, parts)
        if self.place(name, digest):
            os.unlink(temporary)
        else:
            os.replace(temporary, target)
        self.record(name, digest)
        return digest

    def store(self, name: str, data: bytes) -> bytes:
        digest = digest_of(data)
        if not self.place(name, digest):
            self._write(name, [data])
        return digest

    def record(self, name: str, digest: bytes) -> None:
        if name in self.recorded:
            raise OutputRefused(f"{name}: written twice in one build")
        self.recorded[name] = digest
        if self.live.get(name, (b"",))[0] == digest:
            self.unchanged += 1
        else:
            self.written += 1

    def place(self, name: str, digest: bytes) -> bool:
        """Make the spare hold `name` with these bytes without writing them: it already does, or the
        live site does and is linked. False when neither has them untouched."""
        target = self._target(name)
        kept = self.kept.get(name)
        if kept is not None and kept[0] == digest and kept[1] is not None and identity(target) == kept[1]:
            return True
        live = self.live.get(name)
        if (
            live is not None
            and live[0] == digest
            and live[1] is not None
            and identity(os.path.join(self._out, name)) == live[1]
        ):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            os.link(os.path.join(self._out, name), target)
            return True
        return False

    def _write(self, name: str, parts: Iterable[bytes]) -> None:
        """Write a file afresh: a new inode, as the old one may be a link into the live site. In
        place, not through a temporary file: the spare is not served, and a build that stops
        half-way leaves it without a manifest, so the next build never trusts what it holds."""
        target = self._target(name)
        try:
            self._write_file(target, parts, exclusive=True)
        except FileExistsError:
            os.unlink(target)
            self._write_file(target, parts, exclusive=True)

    @staticmethod
    def _write_file(path: str, parts: Iterable[bytes], *, exclusive: bool = False) -> bytes:
        digest = hashlib.sha256()
        how = os.O_EXCL if exclusive else os.O_TRUNC
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | how | os.O_CLOEXEC | os.O_NOFOLLOW, FILE_MODE)
        try:
            os.fchmod(descriptor, FILE_MODE)
            for part in parts:
                digest.update(part)
                view = memoryview(part)
                while view:
                    view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        return digest.digest()

    def _target(self, name: str) -> str:
        """Where `name` goes in the spare, its folder made; never outside it."""
        target = os.path.join(self._staging, _safe_name(name))
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, mode=FOLDER_MODE, exist_ok=True)
            real = os.path.realpath(parent)
            if real != self._real and not real.startswith(self._real + os.sep):  # a symlinked folder in the spare
                raise OutputRefused(f"refusing to write {name!r}: its folder {parent} leads out of the output")
            self._made.add(parent)
        return target

    def commit(self) -> WriteStats:
        """Remove what this build did not make, write the manifest and swap the spare in place of `out`."""
        wanted = _folders(self.recorded)
        staged_ids: dict[str, Identity] = {}
        kinds = _kinds(self.directory)
        for entry in sorted(kinds, key=lambda e: e.count("/"), reverse=True):
            path = os.path.join(self._staging, entry)
            if entry in self.recorded and not kinds[entry]:
                found = identity(path)
                if found is not None:
                    staged_ids[entry] = found
                    continue
            if entry in wanted and kinds[entry]:
                os.chmod(path, FOLDER_MODE)
                continue
            if kinds[entry]:
                shutil.rmtree(path)
            else:
                os.unlink(path)
        os.chmod(self.directory, FOLDER_MODE)
        missing = sorted(set(self.recorded) - set(staged_ids))
        if missing:
            raise OutputRefused(f"{missing[0]}: missing from the site in {self.directory}")
        removed = len(set(self.live) - set(self.recorded))
        write_manifest(self.directory, self.recorded)
        _swap(self.directory, self.out)
        write_identities(
            self.out,
            {
                str(self.out): staged_ids,
                str(self.directory): {n: i for n, (_, i) in self.live.items() if i is not None},
            },
        )
        return WriteStats(written=self.written, unchanged=self.unchanged, removed=removed)


def update_in_place(out: Path, files: Memory, previous: Mapping[str, bytes]) -> list[str]:
    """Make `out` hold exactly `files`, writing only what differs from `previous` (what it holds
    now), each file atomically; then its manifest. For the dev server, which holds the output lock
    and shows the site as it changes. Returns the names changed."""
    changed = []
    for name, data in files.items():
        before = previous.get(name)
        if before is data or before == data:
            continue
        target = out / _safe_name(name)
        target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        Staging._write_file(str(temporary), [data])
        os.replace(temporary, target)
        changed.append(name)
    for name in sorted(set(previous) - set(files)):
        (out / name).unlink(missing_ok=True)
        changed.append(name)
    write_manifest(out, files.digests)
    known = read_identities(out)
    known[str(out)] = identities_of(out, files.digests)
    write_identities(out, known)
    return sorted(changed)


@contextlib.contextmanager
def staged(out: Path, root: Path, *, locked: bool = False) -> Iterator[Staging]:
    """Check `out`, lock it (unless the caller holds the lock) and stage a new site for it; the
    caller commits. On any failure `out` is untouched (the spare is left half-made, without a
    manifest, and the next build starts it afresh)."""
    out = Path(os.path.abspath(out))
    check_output_dir(out, root)
    with contextlib.nullcontext() if locked else output_lock(out):
        yield Staging(out)


def write_site(out: Path, files: Mapping[str, bytes], root: Path, *, locked: bool = False) -> WriteStats:
    """Replace `out` with exactly `files`, atomically."""
    with staged(out, root, locked=locked) as staging:
        for name in sorted(files):
            add(staging, name, files[name])
        return staging.commit()


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` in place of `out`, and `out` in place of `staging`. On Linux one
    renameat2(RENAME_EXCHANGE) call swaps them, so there is no instant without a site; elsewhere,
    three renames."""
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
