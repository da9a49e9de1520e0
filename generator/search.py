"""Full-text search: one Pagefind bundle per language over its code pages, built with the rest
of the site and written with it atomically. Pagefind's extended build segments Chinese into words.
Bundles are cached by a hash of the pages they index, so an unchanged language costs nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind_bin_extended import get_executable

from .config import Language
from .errors import InputError, Problem
from .routes import Routes

FOLDER = "pagefind"
_KEEP = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.", "pagefind.", "index/", "fragment/")


def bundle_prefix(lang: Language) -> str:
    """Where a language's bundle lives in the output: 'pagefind/', 'zh/pagefind/'."""
    return f"{lang.prefix}/{FOLDER}/" if lang.prefix else f"{FOLDER}/"


def _pages(files: dict[str, bytes], lang: Language, languages: tuple[Language, ...]) -> dict[str, bytes]:
    """The HTML pages of one language (code pages carry data-pagefind-body; others are skipped)."""
    others = tuple(f"{o.prefix}/" for o in languages if o.prefix and o.prefix != lang.prefix)
    mine = (lambda n: n.startswith(f"{lang.prefix}/")) if lang.prefix else (lambda n: not n.startswith(others))
    return {n: d for n, d in files.items() if n.endswith("index.html") and mine(n) and b"data-pagefind-body" in d}


def search_bundles(files: dict[str, bytes], languages: tuple[Language, ...], routes: Routes, cache: Path | None) -> dict[str, bytes]:
    """Every language's search bundle, keyed by output path."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(_bundle, _pages(files, lang, languages), routes.base_path, cache, lang.code) for lang in languages]
        bundles = [job.result() for job in jobs]
    out: dict[str, bytes] = {}
    for lang, bundle in zip(languages, bundles, strict=True):
        out.update({bundle_prefix(lang) + name: data for name, data in bundle.items()})
    return out


def _bundle(pages: dict[str, bytes], base_path: str, cache: Path | None, code: str) -> dict[str, bytes]:
    """One language's bundle, from the cache or from Pagefind."""
    digest = hashlib.sha256(f"{get_executable().stat().st_size}:{base_path}".encode())
    for name in sorted(pages):
        digest.update(name.encode() + b"\0" + hashlib.sha256(pages[name]).digest())
    key = f"{code}-{digest.hexdigest()[:20]}"
    if cache is not None and (cache / key).is_dir():
        return _read(cache / key)
    with tempfile.TemporaryDirectory(prefix="pagefind-") as scratch:
        site, out = Path(scratch) / "site", Path(scratch) / "out"
        nested = site / base_path.strip("/")
        for name, data in pages.items():
            path = nested / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        result = subprocess.run(
            [str(get_executable()), "--site", str(site), "--output-path", str(out), "--quiet"],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise InputError([Problem("pagefind", 1, f"search indexing failed: {result.stderr.strip() or result.stdout.strip()}")])
        bundle = _read(out)
        if cache is not None:
            for stale in cache.glob(f"{code}-*"):
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
