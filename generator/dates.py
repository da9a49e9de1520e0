"""When each page last changed, from git: one `git log` over the content for the whole site."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from .content import Content

GIT_TIMEOUT = 120  # seconds; a full history of the content is read once per build


def last_changed(root: Path, directory: str = "content") -> dict[str, dt.date]:
    """Path (relative to `root`) -> UTC date of the last commit that touched it. Empty without git,
    outside a repository or for files never committed; uncommitted edits do not count, so the
    result depends only on the history."""
    command = [
        "git",
        "-c",
        "core.quotepath=off",
        "-C",
        str(root),
        "log",
        "--no-renames",
        "--relative",
        "--format=%x00%ct",
        "--name-only",
        "--",
        directory,
    ]
    try:
        out = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=GIT_TIMEOUT, stdin=subprocess.DEVNULL
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.date] = {}
    for commit in out.split("\x00")[1:]:
        stamp, _, names = commit.partition("\n")
        day = dt.datetime.fromtimestamp(int(stamp), dt.UTC).date()
        for name in names.splitlines():
            if name:
                dates.setdefault(name, day)  # newest commit first
    return dates


def page_date(dates: Mapping[str, dt.date], files: Iterable[str], fallback: dt.date | None) -> dt.date | None:
    """The newest date of a page's input files, never later than `fallback` (the site's date:
    SOURCE_DATE_EPOCH or the last commit); `fallback` when git knows none of them."""
    known = [dates[f] for f in files if f in dates]
    if not known:
        return fallback
    newest = max(known)
    return min(newest, fallback) if fallback else newest


def page_files(content: Content, lang: str, default: str, key: str) -> list[str]:
    """The input files a page is made from: its text (the default language's when untranslated)
    and, for a code page, the code's facts."""
    page = content.page(lang, key) or content.page(default, key)
    files = [page.path] if page is not None else []
    if key.isdigit():
        files.append(f"content/codes/{key}.toml")
    return files
