"""Convert a project in the generator's format into an equivalent multilingual Hugo site."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER = ".hugo-site"
XLINK = re.compile(r"\[\[(\d{3,5})(?:#([a-z][a-z0-9-]*))?(?:\|([^\]\n]+))?\]\]")
CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")

HUGO_TOML = """\
# Written by bench/hugo_site.py from {source}: the same pages as the generator builds.
baseURL = "/"
title = "HTTP status codes"
defaultContentLanguage = "{default}"
defaultContentLanguageInSubdir = false
disableKinds = ["taxonomy", "term", "rss"]
enableRobotsTXT = true

[markup.goldmark.renderer]
unsafe = false                # raw HTML is not passed through, as in the generator
[markup.goldmark.parser.attribute]
title = true                  # `## Heading {{#id}}`
[markup.highlight]
codeFences = false            # the generator does not highlight code either
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ site.Title }}</title>
<meta name="description" content="{{ .Params.summary }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav class="languages"><ul>{{ range .AllTranslations }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Lang }}</a></li>{{ end }}</ul></nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

CODE_LIST = """\
<ul class="codes">
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="summary">{{ .Params.summary }}</span></li>
{{ end }}</ul>
"""

SINGLE = """\
{{ define "main" }}
<nav class="breadcrumbs"><a href="{{ site.Home.RelPermalink }}">Home</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<article>
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Params.summary }}</p>
<div class="prose">{{ .Content }}</div>
{{ with .Params.related }}<section class="related"><h2>Related codes</h2>
{{ $pages := slice }}{{ range . }}{{ with site.GetPage . }}{{ $pages = $pages | append . }}{{ end }}{{ end }}
{{ partial "codes.html" $pages }}</section>{{ end }}
</article>
<nav class="pager">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Params.summary }}</p>
<div class="prose">{{ .Content }}</div>
<section><h2>{{ len .Pages }} codes</h2>{{ partial "codes.html" .Pages }}</section>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<div class="lead">{{ .Content }}</div>
{{ range .Sections }}<section class="class"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
{{ partial "codes.html" .Pages }}</section>
{{ end }}{{ end }}
"""


@dataclass(frozen=True)
class Source:
    """One page of the generator's project: language, key, front matter and Markdown body."""

    lang: str
    key: str
    meta: dict[str, Any]
    body: str


def split_page(text: str) -> tuple[dict[str, Any], str]:
    """The `+++` TOML front matter and the body, as the generator splits them."""
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    return tomllib.loads("\n".join(lines[1:end])), "\n".join(lines[end + 1 :])


def klass(code: int) -> str:
    """The class of a code: its first digit."""
    return f"{str(code)[0]}xx"


def toml_value(value: Any) -> str:
    """A TOML value for front matter (strings, ints and lists of them)."""
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def front_matter(fields: dict[str, Any], params: dict[str, Any]) -> str:
    """Hugo TOML front matter."""
    lines = ["+++", *(f"{k} = {toml_value(v)}" for k, v in fields.items())]
    if params:
        lines.append("[params]")
        lines += [f"{k} = {toml_value(v)}" for k, v in params.items()]
    return "\n".join([*lines, "+++", ""])


def load(project: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]], list[Source]]:
    """site.toml, the facts of every code, and every page in every language."""
    site = tomllib.loads((project / "site.toml").read_text(encoding="utf-8"))
    codes = {}
    for path in sorted((project / "content" / "codes").glob("*.toml")):
        facts = tomllib.loads(path.read_text(encoding="utf-8"))
        codes[facts["code"]] = facts
    pages = []
    for lang in site["languages"]:
        for path in sorted((project / "content" / lang).glob("*.md")):
            meta, body = split_page(path.read_text(encoding="utf-8"))
            pages.append(Source(lang, path.stem, meta, body))
    return site, codes, pages


def convert(project: Path, out: Path, *, force: bool = False) -> int:
    """Write the Hugo site into `out`; return the number of content files written."""
    if out.exists() and any(out.iterdir()):
        if not (force and (out / MARKER).is_file()):
            raise SystemExit(f"{out} is not empty (use --force to replace a Hugo site written earlier)")
        shutil.rmtree(out)
    site, codes, pages = load(project)
    default = site["default_language"]
    languages = site["languages"]
    by_key = {(p.lang, p.key): p for p in pages}

    def prefix(lang: str) -> str:
        return "" if lang == default else f"/{languages[lang]['prefix']}"

    def title(lang: str, code: int) -> str:
        page = by_key.get((lang, str(code)))
        local = page.meta.get("phrase", "") if page is not None else ""
        return f"{code} {local or codes[code]['meaning'][0]['phrase']}"

    def links(lang: str, body: str) -> str:
        def replace(m: re.Match[str]) -> str:
            code = int(m.group(1))
            text = m.group(3) or title(lang, code)
            text = text.replace("[", r"\[").replace("]", r"\]")
            fragment = f"#{m.group(2)}" if m.group(2) else ""
            return f"[{text}]({prefix(lang)}/{klass(code)}/{code}/{fragment})"

        return XLINK.sub(replace, body)

    (out / "layouts" / "_partials").mkdir(parents=True)
    (out / MARKER).write_text(f"from {project}\n", encoding="utf-8")
    config = HUGO_TOML.format(source=project.name, default=default)
    for weight, (code, spec) in enumerate(languages.items(), start=1):
        config += f'\n[languages.{code}]\nweight = {weight}\ncontentDir = "content/{code}"\nlabel = "{spec["tag"]}"\n'
    (out / "hugo.toml").write_text(config, encoding="utf-8")
    for name, text in (
        ("baseof.html", BASEOF),
        ("single.html", SINGLE),
        ("list.html", LIST),
        ("home.html", HOME),
        ("_partials/codes.html", CODE_LIST),
    ):
        (out / "layouts" / name).write_text(text, encoding="utf-8")
    written = 0
    for page in pages:
        folder = out / "content" / page.lang
        if page.key == "home":
            path, fields, params = (
                folder / "_index.md",
                {"title": page.meta["title"], "summary": page.meta["summary"]},
                {},
            )
        elif page.key in CLASSES:
            path = folder / page.key / "_index.md"
            fields, params = (
                {
                    "title": f"{page.key} · {page.meta['title']}",
                    "summary": page.meta["summary"],
                    "weight": int(page.key[0]),
                },
                {},
            )
        else:
            code = int(page.key)
            path = folder / klass(code) / f"{code}.md"
            fields = {"title": title(page.lang, code), "summary": page.meta["summary"], "weight": code}
            params = {
                "code": code,
                "phrase": codes[code]["meaning"][0]["phrase"],
                "related": [f"/{klass(c)}/{c}" for c in codes[code]["related"]],
            }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter(fields, params) + links(page.lang, page.body), encoding="utf-8")
        written += 1
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: --src PROJECT --out DIR [--force]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, required=True, help="project in the generator's format (holds site.toml)")
    parser.add_argument("--out", type=Path, required=True, help="Hugo site directory to write")
    parser.add_argument("--force", action="store_true", help="replace a Hugo site written earlier into --out")
    args = parser.parse_args(argv)
    count = convert(args.src, args.out, force=args.force)
    print(f"wrote a Hugo site with {count} content files into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
