"""The real site, built once: page weight, JSON data, sitemap, discovery metadata, 404 page."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from linkcheck import broken_links

from generator.build import Built, build_site

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://example.org/http-status/"


@cache
def site() -> Built:
    return build_site(ROOT, base_url=BASE, search=False)


def test_every_internal_link_and_fragment_resolves() -> None:
    assert broken_links(site().files, base_path="/http-status/") == []


def test_a_code_page_transfers_under_30_kb() -> None:
    files = site().files
    assets = sum(
        len(gzip.compress(files[f"static/{name}"], mtime=0)) for name in ("style.css", "search.js", "favicon.svg")
    )
    heaviest = max(
        len(gzip.compress(data, mtime=0))
        for name, data in files.items()
        if re.fullmatch(r"(\w+/)?\d{3}/index.html", name)
    )
    assert heaviest + assets < 30 * 1024


def test_json_beside_the_html() -> None:
    files = site().files
    item = json.loads(files["ru/429.json"])
    assert item["code"] == 429 and item["phrase"] == "Too Many Requests" and item["class"] == "4xx"
    assert item["phrase_local"] != item["phrase"] and item["url"] == "/http-status/ru/429/"
    assert item["meanings"][0]["specification"] == "https://www.rfc-editor.org/rfc/rfc6585#section-4"
    assert item["constants"]["python"] == "HTTPStatus.TOO_MANY_REQUESTS" and item["constants"]["java"] is None
    everything = json.loads(files["zh/codes.json"])
    assert everything["language"] == "zh-Hans"
    assert [c["code"] for c in everything["codes"]] == sorted(c["code"] for c in everything["codes"])
    assert len(everything["codes"]) == 95
    nginx = json.loads(files["499.json"])["meanings"]
    assert [m["vendor"] for m in nginx] == ["nginx", "Esri (ArcGIS)"]


def test_sitemap_lists_every_page_with_its_alternates() -> None:
    tree = ElementTree.fromstring(site().files["sitemap.xml"])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    assert len(urls) == 3 * len(site().content.page_keys) == 3 * (95 + 6 + 8)  # codes, home and classes, Warning pages
    locs = {u.find("s:loc", ns).text for u in urls}
    assert f"{BASE}zh/404/" in locs and f"{BASE}ru/4xx/" in locs and BASE in locs
    for url in urls:
        alternates = {a.get("hreflang"): a.get("href") for a in url.findall("x:link", ns)}
        assert set(alternates) == {"en", "zh-Hans", "ru"} and url.find("s:loc", ns).text in alternates.values()
    assert f"Sitemap: {BASE}sitemap.xml" in site().files["robots.txt"].decode()


def test_discovery_metadata_per_page_and_language() -> None:
    page = site().files["zh/429/index.html"].decode()
    assert f'<link rel="canonical" href="{BASE}zh/429/">' in page
    assert '<meta property="og:locale" content="zh_CN">' in page
    assert re.search(r'<meta name="description" content="[^"]{20,}">', page)
    assert f'<link rel="alternate" hreflang="x-default" href="{BASE}429/">' in page
    assert '<link rel="icon" href="/http-status/static/favicon.svg"' in page


def test_not_found_page_works_at_any_depth_and_in_every_language() -> None:
    page = site().files["404.html"].decode()
    assert '<script src="/http-status/static/notfound.js" defer></script>' in page  # root-relative: any depth
    assert 'data-base="/http-status/"' in page
    assert re.search(r'<html lang="en".*<h1>Page not found</h1>', page, re.S)  # the default language without JavaScript
    for prefix, lang, text in (("zh", "zh-Hans", "页面不存在"), ("ru", "ru", "Страница не найдена")):
        assert re.search(
            rf'<template data-prefix="{prefix}" data-lang="{lang}" data-title="{text} — [^"]+">.*?<h1>{text}</h1>',
            page,
            re.S,
        )
    assert 'rel="canonical"' not in page and '<meta name="robots" content="noindex">' in page
