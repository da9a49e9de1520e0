"""The whole pipeline on a tiny project: URLs, links, escaping, translations, determinism."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from linkcheck import broken_links, parse

from generator.build import Built, build_site
from generator.errors import InputError


def html(built: Built, name: str) -> str:
    return built.files[name].decode("utf-8")


def test_every_page_has_its_url(built: Built) -> None:
    expected = {
        "index.html",
        "1xx/index.html",
        "4xx/index.html",
        "404/index.html",
        "410/index.html",
        "499/index.html",
        "zh/index.html",
        "zh/404/index.html",
        "zh/4xx/index.html",
        "ru/index.html",
        "ru/404/index.html",
        "ru/4xx/index.html",
        "ru/499/index.html",
        "404.html",
        "translations/index.html",
        "robots.txt",  # sitemap.xml: only with an absolute base URL (test_seo.py)
        "404.json",
        "zh/404.json",
        "codes.json",
        "ru/codes.json",
    }
    assert expected <= set(built.files)


def test_every_internal_link_resolves(built: Built) -> None:
    assert broken_links(built.files) == []


def test_code_page_parts(built: Built) -> None:
    page = html(built, "404/index.html")
    assert re.search(r"<h1><span class=\"num\">404</span> <span lang=\"en\">Not Found</span></h1>", page)
    assert 'href="https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"' in page
    # breadcrumbs Home › 4xx › 404
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert [m for m in re.findall(r'href="([^"]+)"', crumbs)] == ["/", "/4xx/", "/404/"]
    # related codes and the back-link from 499, which links to 404 in its body
    assert '<h2 id="related">' in page and 'href="/410/"' in page
    referenced = page.split('id="referenced-by"')[1]
    assert 'href="/499/"' in referenced
    assert 'rel="next" href="/410/"' in page
    assert ">HTTPStatus.<wbr>NOT_<wbr>FOUND</code>" in page  # breakable between its words only


def test_cross_links_use_the_page_language(built: Built) -> None:
    ru = html(built, "ru/499/index.html")  # not translated: English body, Russian URLs
    assert '<a href="/ru/404/">404 Не найдено</a>' in ru
    en = html(built, "499/index.html")
    assert '<a href="/404/">404 Not Found</a>' in en


def test_code_with_two_meanings_is_one_page(built: Built) -> None:
    page = html(built, "499/index.html")
    assert page.count("<h1>") == 1
    assert 'id="nginx"' in page and 'id="esri"' in page
    assert "Unofficial: nginx" in page and "Unofficial: Esri ArcGIS" in page
    assert 'href="#esri"' in page


def test_home_lists_every_code_with_badges(built: Built) -> None:
    page = html(built, "index.html")
    for code in ("404", "410", "499"):
        assert f'href="/{code}/"' in page
    assert 'class="unofficial"' in page and 'class="official"' in page


def test_headings_keep_ids_in_every_language(built: Built) -> None:
    for name in ("404/index.html", "zh/404/index.html", "ru/404/index.html"):
        ids = parse(built.files[name]).ids
        assert {"meaning", "vs-410"} <= ids


def test_raw_html_in_markdown_is_escaped(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "content/en/410.md": '+++\nsummary = "<b>bold</b>"\n+++\n## Gone {#meaning}\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n'
        }
    )
    page = build_site(root).files["410/index.html"].decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_two_builds_are_identical(make_project: Callable[..., Path]) -> None:
    root = make_project()
    assert build_site(root).files == build_site(root).files


def test_missing_translation_falls_back_to_english(make_project: Callable[..., Path]) -> None:
    built = build_site(make_project(), base_url="https://example.org/")
    page = html(built, "zh/410/index.html")
    assert '<html lang="zh-Hans"' in page
    assert '<div class="prose" lang="en">' in page
    assert 'class="notice"' in page
    assert 'hreflang="zh-Hans"' not in page.split("</head>")[0]
    assert '<link rel="canonical" href="https://example.org/410/">' in page


def test_local_preview_has_no_relative_canonical_or_hreflang(built: Built) -> None:
    """With base_url "/" there is no absolute URL to give: canonical, hreflang, og:url and JSON-LD are left out."""
    head = html(built, "zh/404/index.html").split("</head>")[0]
    for needle in ('rel="canonical"', 'rel="alternate"', 'property="og:url"', "application/ld+json"):
        assert needle not in head


def test_hreflang_identical_across_versions(make_project: Callable[..., Path]) -> None:
    built = build_site(make_project(), base_url="https://example.org/")

    def alternates(name: str) -> list[str]:
        return re.findall(r'<link rel="alternate" hreflang="[^"]+" href="[^"]+">', html(built, name))

    en = alternates("404/index.html")
    assert en == alternates("zh/404/index.html") == alternates("ru/404/index.html")
    assert [re.search(r'hreflang="([^"]+)"', a).group(1) for a in en] == ["en", "zh-Hans", "ru", "x-default"]


def test_switcher_leads_to_same_page(built: Built) -> None:
    nav = re.search(r'<nav class="languages".*?</nav>', html(built, "ru/499/index.html"), re.S).group(0)
    assert re.findall(r'href="([^"]+)"', nav) == ["/499/", "/zh/499/", "/ru/499/"]


def test_outdated_translation_is_reported_and_shown(make_project: Callable[..., Path]) -> None:
    root = make_project()
    english = root / "content/en/404.md"
    english.write_text(english.read_text().replace("Nothing is here.", "Nothing is here at all."))
    built = build_site(root)
    assert [str(w) for w in built.warnings] == [
        "content/ru/404.md:1: warning: translation is outdated: the English page changed since source_hash was stamped",
        "content/zh/404.md:1: warning: translation is outdated: the English page changed since source_hash was stamped",
    ]
    page = built.files["ru/404/index.html"].decode()
    assert 'class="notice"' in page and 'href="/404/" hreflang="en"' in page


def test_base_path_prefixes_every_link(make_project: Callable[..., Path]) -> None:
    built = build_site(make_project(), base_url="https://example.org/repo/")
    assert broken_links(built.files, base_path="/repo/") == []
    page = built.files["zh/404/index.html"].decode()
    assert '<link rel="canonical" href="https://example.org/repo/zh/404/">' in page
    assert 'href="/repo/static/style.css"' in page


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"content/en/410.md": '+++\nsummary = "x"\n+++\n## A {#meaning}\n\nSee [[999]].\n'},
            ["content/en/410.md:6: link to code 999, which has no page"],
        ),
        (
            {"content/en/410.md": '+++\nsummary = "x"\n+++\n## A {#meaning}\n\nSee [[404#nope]].\n'},
            ["content/en/410.md:6: link to #nope, which is not a section of 404"],
        ),
        (
            {"content/en/410.md": '+++\nsummary = "x\n+++\nbody\n'},
            ["content/en/410.md:2: invalid TOML: Unterminated string"],
        ),
        (
            {"content/en/410.md": '+++\ntitle = "x"\n+++\nbody\n'},
            ["content/en/410.md:1: missing required key 'summary'", "content/en/410.md:2: unknown key 'title'"],
        ),
        (
            {"content/codes/410.toml": "code = 410\nrelated = []\ncacheable = true\nbody = true\n"},
            ["content/codes/410.toml:1: missing required key 'meaning'"],
        ),
    ],
)
def test_input_errors_name_file_and_line(
    make_project: Callable[..., Path], files: dict[str, str], expected: list[str]
) -> None:
    root = make_project(files, stamp=False)
    with pytest.raises(InputError) as caught:
        build_site(root)
    assert [str(p) for p in caught.value.problems] == expected


def test_code_spans_in_summaries_become_code(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {
            "content/en/410.md": '+++\nsummary = "Send `Expect: 100-continue` <b>first</b>."\n+++\n## Gone {#meaning}\n\nText.\n'
        }
    )
    built = build_site(root, search=False)
    page = built.files["410/index.html"].decode()
    assert '<p class="lead">Send <code>Expect: 100-continue</code> &lt;b&gt;first&lt;/b&gt;.</p>' in page
    assert '<meta name="description" content="Send Expect: 100-continue &lt;b&gt;first&lt;/b&gt;.">' in page
    assert "<code>Expect: 100-continue</code>" in built.files["4xx/index.html"].decode()
