"""The floor for a Python generator: a minimal Python-Markdown + Jinja build of a project, on every
core, as the issue describes its peer ("a minimal Python-Markdown + Jinja script on two cores").

`python bench/minimal.py --src PROJECT --out DIR [--jobs N]`

It reads every `content/<lang>/*.md` of a project in the generator's format, splits off the TOML
front matter (tomllib), renders the body with Python-Markdown (the extensions the generator uses:
fenced_code, tables, attr_list, sane_lists), turns `[[404]]` cross-links into plain links with a
regular expression, fills one small Jinja template (title, description, body) and writes
`<lang>/<key>/index.html`. No checks, no index pages, no back-links, no JSON, no caches: what is
left when a generator does nothing but convert pages. The run.py benchmark times it beside ours and
Hugo's on the same content."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from multiprocessing import get_context
from pathlib import Path

import jinja2
import markdown

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<meta name="description" content="{{ summary }}">
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p>{{ summary }}</p>
{{ body | safe }}
</main>
</body>
</html>
"""
XLINK = re.compile(r"\[\[(\d{3,5})(?:#([a-z][a-z0-9-]*))?(?:\|([^\]\n]+))?\]\]")
_state: dict = {}


def _link(match: re.Match[str]) -> str:
    code, fragment, text = match.groups()
    return f"[{text or code}](../{code}/{'#' + fragment if fragment else ''})"


def _convert(job: tuple[str, str, str]) -> int:
    """Render one page and write it; returns the bytes written."""
    source, lang, out = job
    if not _state:
        _state["md"] = markdown.Markdown(extensions=["fenced_code", "tables", "attr_list", "sane_lists"])
        _state["template"] = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    text = Path(source).read_text(encoding="utf-8")
    _, front, body = text.split("+++", 2)
    meta = tomllib.loads(front)
    md = _state["md"]
    md.reset()
    html = md.convert(XLINK.sub(_link, body))
    key = Path(source).stem
    page = _state["template"].render(
        lang=lang, title=meta.get("title", key), summary=meta.get("summary", ""), body=html
    )
    target = Path(out) / lang / key / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = page.encode("utf-8")
    target.write_bytes(data)
    return len(data)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, required=True, help="a project in the generator's format")
    parser.add_argument("--out", type=Path, required=True, help="output directory (created)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    jobs = [
        (str(path), lang.name, str(args.out))
        for lang in sorted((args.src / "content").iterdir())
        if lang.is_dir() and lang.name != "codes"
        for path in sorted(lang.glob("*.md"))
    ]
    with get_context("fork").Pool(args.jobs) as pool:
        written = sum(pool.imap_unordered(_convert, jobs, chunksize=64))
    print(f"Built {len(jobs)} pages ({written / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
