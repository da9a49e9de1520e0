"""Full-text search: one Pagefind bundle per language over its code pages, built with the rest
of the site and written with it atomically. Pagefind's extended build segments Chinese into words.
Bundles are cached by a hash of the pages they index, so an unchanged language costs nothing."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind_bin_extended import get_executable

from . import code_digest
from .config import Language
from .errors import InputError, Problem

FOLDER = "pagefind"
_KEEP = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.", "pagefind.", "index/", "fragment/")


def bundle_prefix(lang: Language) -> str:
    """Where a language's bundle lives in the output: 'pagefind/', 'zh/pagefind/'."""
    return f"{lang.prefix}/{FOLDER}/" if lang.prefix else f"{FOLDER}/"


def page_names(names: Iterable[str], lang: Language) -> list[str]:
    """A language's code pages (the pages that carry data-pagefind-body)."""
    pattern = re.compile(rf"^{re.escape(lang.prefix)}/\d+/index\.html$" if lang.prefix else r"^\d+/index\.html$")
    return sorted(n for n in names if pattern.match(n))


def search_bundles(
    digests: Mapping[str, bytes],
    languages: tuple[Language, ...],
    cache: Path | None,
    *,
    directory: Path | None = None,
    files: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every language's search bundle, keyed by output path, from the built pages (their
    `digests`), which are on disk in `directory` or in memory in `files`."""
    with tempfile.TemporaryDirectory(prefix="pagefind-") as scratch:
        site = directory
        if site is None:  # pages in memory: put the code pages where Pagefind can read them
            assert files is not None
            site = Path(scratch) / "site"
            for lang in languages:
                for name in page_names(digests, lang):
                    (site / name).parent.mkdir(parents=True, exist_ok=True)
                    (site / name).write_bytes(files[name])
        with ThreadPoolExecutor(max_workers=2) as pool:
            jobs = [
                pool.submit(_bundle, site, lang, digests, cache, Path(scratch) / f"out-{lang.code}")
                for lang in languages
            ]
            bundles = [job.result() for job in jobs]
    out: dict[str, bytes] = {}
    for lang, bundle in zip(languages, bundles, strict=True):
        out.update({bundle_prefix(lang) + name: data for name, data in bundle.items()})
    return out


def _bundle(
    site: Path, lang: Language, digests: Mapping[str, bytes], cache: Path | None, out: Path
) -> dict[str, bytes]:
    """One language's bundle, from the cache or from Pagefind."""
    names = page_names(digests, lang)
    digest = hashlib.sha256(
        f"{code_digest()}:{lang.code}:{lang.prefix}".encode()
    )  # Pagefind's version is in code_digest
    for name in names:
        digest.update(name.encode() + b"\0" + digests[name])
    key = f"{lang.code}-{digest.hexdigest()[:20]}"
    if cache is not None and (cache / key).is_dir():
        return _read(cache / key)
    pattern = f"{lang.prefix}/[0-9]*/index.html" if lang.prefix else "[0-9]*/index.html"
    result = subprocess.run(
        [str(get_executable()), "--site", str(site), "--glob", pattern, "--output-path", str(out), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise InputError(
            [Problem("pagefind", 1, f"search indexing failed: {result.stderr.strip() or result.stdout.strip()}")]
        )
    bundle = _read(out)
    if cache is not None:
        for stale in cache.glob(f"{lang.code}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        shutil.copytree(out, cache / key)
    return bundle


def _read(folder: Path) -> dict[str, bytes]:
    """The files of a bundle that the site needs (Pagefind's own UI bundles are not used)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name.startswith(_KEEP):
            found[name] = path.read_bytes()
    return found
