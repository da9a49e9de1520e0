"""What search engines and browsers read: absolute URLs only in a production build, robots.txt, the
sitemap, OpenSearch descriptions, JSON-LD, and the per-page dates from git."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build_site
from generator.dates import last_changed, page_date

PRODUCTION = "https://example.org/repo/"


def head(html: bytes) -> str:
    return html.decode().split("</head>")[0]


def test_production_build_refuses_a_relative_base_url(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    code, _, err = cli("--root", str(root), "build", "--production", "--out", str(root / "out"))
    assert code == 65
    assert re.search(r"^site\.toml:\d+: a production build needs an absolute base_url", err, re.M), err
    assert not (root / "out").exists()
    code, _, err = cli(
        "--root", str(root), "build", "--production", "--base-url", PRODUCTION, "--out", str(root / "out")
    )
    assert code == 0, err
    assert "note:" not in err
    assert (root / "out/sitemap.xml").is_file()


def test_preview_build_leaves_out_what_needs_an_absolute_url(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    code, _, err = cli("--root", str(root), "build", "--out", str(root / "out"))
    assert code == 0 and "note: base_url '/' is not an absolute URL" in err
    out = root / "out"
    assert not (out / "sitemap.xml").exists() and not (out / "opensearch.xml").exists()
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    page = head((out / "zh/404/index.html").read_bytes())
    for needle in ('rel="canonical"', "hreflang=", 'property="og:url"', "application/ld+json", 'rel="search"'):
        assert needle not in page, needle


def test_production_build_has_absolute_urls_everywhere(make_project: Callable[..., Path]) -> None:
    files = build_site(make_project(), base_url=PRODUCTION).files
    assert files["robots.txt"].decode().endswith(f"Sitemap: {PRODUCTION}sitemap.xml\n")
    locs = re.findall(r"<loc>([^<]+)</loc>", files["sitemap.xml"].decode())
    assert locs and all(loc.startswith(PRODUCTION) for loc in locs)
    page = head(files["ru/404/index.html"])
    links = re.findall(r'<link rel="(?:canonical|alternate)"[^>]* href="([^"]+)"', page) + re.findall(
        r'property="og:url" content="([^"]+)"', page
    )
    assert len(links) >= 5 and all(url.startswith(PRODUCTION) for url in links), links
    assert f'<link rel="canonical" href="{PRODUCTION}ru/404/">' in page


def test_opensearch_description_per_language(make_project: Callable[..., Path]) -> None:
    files = build_site(make_project(), base_url=PRODUCTION).files
    xml = files["zh/opensearch.xml"].decode()
    assert xml.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">'
    )
    assert f'template="{PRODUCTION}zh/?q={{searchTerms}}"' in xml and "<Language>zh-Hans</Language>" in xml
    short = re.search(r"<ShortName>([^<]*)</ShortName>", xml).group(1)
    assert 0 < len(short) <= 16  # the OpenSearch limit
    assert '<link rel="search" type="application/opensearchdescription+xml"' in head(files["zh/410/index.html"])
    assert 'href="/repo/zh/opensearch.xml"' in head(files["zh/410/index.html"])


def test_json_ld_describes_the_page_in_its_language(make_project: Callable[..., Path]) -> None:
    files = build_site(make_project(), base_url=PRODUCTION).files
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', head(files["ru/404/index.html"]), re.S)
    assert found
    graph = json.loads(found.group(1))["@graph"]
    article = graph[0]
    assert (
        article["@type"] == "TechArticle" and article["inLanguage"] == "ru" and article["url"] == f"{PRODUCTION}ru/404/"
    )
    assert article["about"] == {
        "@type": "DefinedTerm",
        "name": "404 Not Found",
        "termCode": "404",
        "inDefinedTermSet": f"{PRODUCTION}ru/",
    }
    crumbs = article["breadcrumb"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [f"{PRODUCTION}ru/", f"{PRODUCTION}ru/4xx/", f"{PRODUCTION}ru/404/"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert article["dateModified"] == "2026-01-01"  # no git in a temporary project: the site's date


def git(root: Path, *args: str, when: str = "") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_dates_come_from_the_last_commit_touching_each_file(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()
    assert last_changed(root) == {}  # not a repository
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first", when="2025-03-01T12:00:00Z")
    page = root / "content/en/404.md"
    page.write_text(page.read_text() + "\nMore.\n")
    git(root, "commit", "-qam", "second", when="2025-06-15T23:30:00Z")
    page.write_text(page.read_text() + "\nNot committed.\n")  # the working tree does not count
    dates = last_changed(root)
    assert dates["content/en/404.md"] == dt.date(2025, 6, 15)
    assert dates["content/en/410.md"] == dt.date(2025, 3, 1)
    assert page_date(dates, ["content/en/404.md", "content/codes/404.toml"], None) == dt.date(2025, 6, 15)
    assert page_date(dates, ["content/en/404.md"], dt.date(2025, 5, 1)) == dt.date(
        2025, 5, 1
    )  # never after SOURCE_DATE_EPOCH
    assert page_date(dates, ["nowhere.md"], dt.date(2025, 5, 1)) == dt.date(2025, 5, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first, second = (build_site(root, base_url=PRODUCTION, search=False) for _ in range(2))
    assert first.files == second.files
    en = first.files["404/index.html"].decode()
    assert '"dateModified": "2025-06-15"' in en
    assert '"dateModified": "2025-03-01"' in first.files["410/index.html"].decode()
    assert "June 15, 2025" in en
