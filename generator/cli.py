"""Command line: build, check, serve and the translators' i18n commands."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import EXIT_INPUT, EXIT_OUTPUT, InputError, OutputRefused


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Build the HTTP status code reference.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (holds site.toml); default: .")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the site into the output directory")
    build.add_argument("--out", type=Path, default=None, help="output directory (default: <root>/_site)")
    build.add_argument(
        "--base-url", default=None, help="override site.toml's base_url, e.g. https://user.github.io/repo/"
    )
    build.add_argument(
        "--production", action="store_true", help="the build to publish: an absolute base URL is required"
    )
    build.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes for Markdown (default: all cores)"
    )
    build.add_argument("--no-cache", action="store_true", help="ignore and do not update the build cache")
    build.add_argument("--timings", action="store_true", help="print the time each stage took (to stderr)")
    commands.add_parser("check", help="check all input without writing anything")
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--out", type=Path, default=None, help="output directory (default: <root>/_site)")
    i18n = commands.add_parser("i18n", help="translation tools")
    actions = i18n.add_subparsers(dest="action", required=True)
    extract = actions.add_parser("extract", help="extract UI strings from templates into locales/messages.pot")
    extract.add_argument("--check", action="store_true", help="write nothing; exit 1 if messages.pot is out of date")
    actions.add_parser("update", help="merge messages.pot into every language's messages.po")
    actions.add_parser("compile", help="check every catalog and print its statistics")
    actions.add_parser("status", help="pages translated (new, outdated) / missing and catalog coverage per language")
    init = actions.add_parser("init", help="scaffold a new language: locales/<locale>/ and content/<lang>/")
    init.add_argument("lang", help="content code and URL prefix, e.g. 'de' or 'pt-br'")
    init.add_argument("--locale", help="Babel locale if it differs, e.g. 'pt_BR'")
    init.add_argument("--tag", help="BCP 47 tag if it differs, e.g. 'pt-BR'")
    stamp = actions.add_parser("stamp", help="record that translations match the current English pages")
    stamp.add_argument("lang")
    stamp.add_argument(
        "keys", nargs="*", help="page keys (404, 4xx, home); default: every translated page without a stamp"
    )
    diff = actions.add_parser("diff", help="what changed in the English page since the translation was stamped")
    diff.add_argument("lang")
    diff.add_argument("key", help="page key: 404, 4xx or home")
    lint = actions.add_parser("lint", help="check translations against their language's glossary and punctuation rules")
    lint.add_argument("lang", nargs="?", help="one language (default: every translation)")
    glossary = actions.add_parser("glossary", help="print a language's glossary")
    glossary.add_argument("lang")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; input problems print as `path:line: message` and exit 65."""
    args = _parser().parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "build":
            return _build(root, args)
        if args.command == "check":
            return _check(root)
        if args.command == "serve":
            from .serve import serve

            return serve(root, out=args.out or root / "_site", host=args.host, port=args.port)
        from . import i18n

        return i18n.run(root, args)
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        count = len(error.problems)
        print(f"{count} problem{'s' if count != 1 else ''}; nothing was written.", file=sys.stderr)
        return EXIT_INPUT
    except OutputRefused as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except OSError as error:  # a full disk, a read-only or vanished output: the previous site stands
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}; nothing was changed in the output", file=sys.stderr)
        return EXIT_OUTPUT


def _build(root: Path, args: argparse.Namespace) -> int:
    from .build import build_and_write, site_date
    from .fingerprint import inputs_fingerprint, remember, up_to_date
    from .seo import check_base_url

    started = time.perf_counter()
    cache_dir = None if args.no_cache else root / ".cache"

    def progress(done: int, total: int) -> None:
        print(
            f"\r{done:,} / {total:,} pages rendered, {time.perf_counter() - started:.1f} s",
            end="",
            file=sys.stderr,
            flush=True,
        )

    out = args.out or root / "_site"
    note = check_base_url(root, args.base_url, production=args.production)
    inputs = (
        inputs_fingerprint(root, {"base_url": args.base_url, "date": site_date(root), "out": str(out.resolve())})
        if cache_dir
        else ""
    )
    record = up_to_date(cache_dir, out, inputs) if cache_dir else None
    if record is not None:
        for warning in record["warnings"]:
            print(warning, file=sys.stderr)
        print(
            f"Up to date: no input changed since the last build of {record['pages']} pages ({time.perf_counter() - started:.1f} s)."
        )
        return 0
    live = progress if sys.stderr.isatty() else None
    try:
        built, stats = build_and_write(
            root, out, base_url=args.base_url, cache_dir=cache_dir, jobs=max(1, args.jobs), progress=live
        )
    finally:
        if live is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    warnings = [str(w) for w in built.warnings]
    for warning in [*warnings, note] if note else warnings:
        print(warning, file=sys.stderr)
    if args.timings:
        for stage, seconds, peak in built.laps:
            print(f"{seconds:8.2f} s  {peak:6d} MB peak  {stage}", file=sys.stderr)
    pages = sum(1 for name in built.names if name.endswith(".html"))
    if cache_dir:
        remember(cache_dir, out, inputs, {"pages": pages, "warnings": warnings})
    languages = len(built.config.languages)
    elapsed = time.perf_counter() - started
    print(
        f"Built {pages} pages in {languages} languages in {elapsed:.1f} s ({stats.written} files written, {stats.unchanged} unchanged, {stats.removed} removed)."
    )
    return 0


def _check(root: Path) -> int:
    from .build import build_site
    from .i18n import check_warnings

    built = build_site(root, search=False)
    for warning in (*map(str, built.warnings), *check_warnings(root, built.config)):
        print(warning)
    print(f"OK: {len(built.content.codes)} codes, {len(built.content.pages)} pages, {len(built.names)} output files.")
    return 0
