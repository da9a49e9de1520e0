"""Facts kept true: sources shown on every code page, expired temporary registrations never shown
as current, no English data text on Chinese and Russian pages, one number per fact everywhere."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import Built, build_site
from generator.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SPEC_SOURCE = '\n[[source]]\nspec = "RFC 9110"\nsection = "15.5.5"\n'
VENDOR_SOURCE = '\n[[source]]\ntitle = "nginx: ngx_http_proxy_module"\nurl = "https://nginx.org/en/docs/http/ngx_http_proxy_module.html"\n'


@cache
def real_site() -> Built:
    return build_site(ROOT, search=False)


def code_toml(extra: str = "", meaning: str = "") -> str:
    """content/codes/404.toml of the test project, with `extra` top-level keys and tables."""
    from sitekit import CODE_404

    head, _, rest = CODE_404.partition("[[meaning]]")
    return head + extra.strip("\n") + "\n\n[[meaning]]" + rest + meaning


def test_sources_are_listed_on_the_page_in_every_language_and_in_the_json(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"content/codes/404.toml": code_toml('reviewed = "2026-11-30"\n') + SPEC_SOURCE + VENDOR_SOURCE}
    )
    built = build_site(root)
    for prefix, heading in (("", "Sources"), ("zh/", "参考来源"), ("ru/", "Источники")):
        html = built.files[f"{prefix}404/index.html"].decode()
        section = html.split('<section class="sources"', 1)[1].split("</section>", 1)[0]
        assert heading in section
        assert 'href="https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5"' in section
        assert 'href="https://nginx.org/en/docs/http/ngx_http_proxy_module.html"' in section
        assert "nginx: ngx_http_proxy_module" in section
    assert "November 30, 2026" in built.files["404/index.html"].decode()
    data = json.loads(built.files["ru/404.json"])
    assert data["reviewed"] == "2026-11-30"
    assert [s["url"] for s in data["sources"]] == [
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        "https://nginx.org/en/docs/http/ngx_http_proxy_module.html",
    ]


@pytest.mark.parametrize(
    ("source", "at", "message"),
    [
        (
            '\n[[source]]\nspec = "RFC 9110"\nsection = "99.9"\n',
            'section = "99.9"',
            "section '99.9' of RFC 9110 is not in content/specs.toml",
        ),
        (
            '\n[[source]]\nspec = "RFC 1"\nsection = "1"\n',
            'spec = "RFC 1"',
            "spec 'RFC 1' is not in content/specs.toml",
        ),
        (
            '\n[[source]]\ntitle = "A page"\nurl = "http://example.org/"\n',
            'url = "http:',
            "source url must be an https:// URL",
        ),
        (
            '\n[[source]]\ntitle = "A page"\n',
            "[[source]]",
            "a source is either 'spec' and 'section', or 'title' and 'url'",
        ),
        (
            '\n[[source]]\ntitel = "A page"\nurl = "https://example.org/"\n',
            "titel",
            "source 1: unknown key 'titel' (did you mean 'title'?)",
        ),
        (SPEC_SOURCE + 'title = "x"\n', "[[source]]", "a specification source has exactly 'spec' and 'section'"),
        (
            SPEC_SOURCE + SPEC_SOURCE,
            '[[source]]\nspec = "RFC 9110"\nsection = "15.5.5"\n\n[[source]]',
            "source https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5 is listed twice",
        ),
    ],
)
def test_a_bad_source_is_reported_at_its_line(
    make_project: Callable[..., Path], source: str, at: str, message: str
) -> None:
    text = code_toml() + source
    line = text[: text.rindex(at.split("\n")[-1])].count("\n") + 1  # the line of the last line of `at`
    root = make_project({"content/codes/404.toml": text}, stamp=False)
    with pytest.raises(InputError) as raised:
        build_site(root)
    assert f"content/codes/404.toml:{line}: {message}" in [str(p) for p in raised.value.problems]


def test_reviewed_must_be_a_real_date(make_project: Callable[..., Path]) -> None:
    root = make_project({"content/codes/404.toml": code_toml('reviewed = "2026-02-30"\n')}, stamp=False)
    with pytest.raises(InputError) as raised:
        build_site(root)
    assert [str(p) for p in raised.value.problems] == [
        "content/codes/404.toml:6: reviewed '2026-02-30' must be a date as YYYY-MM-DD"
    ]


def test_an_unofficial_convention_that_no_vendor_documents_is_shown_without_a_vendor(
    make_project: Callable[..., Path],
) -> None:
    """598: no vendor and no vendor page; the facts say 'none' and the specification list the status."""
    toml = code_toml().replace('status = "standard"\nspec = "RFC 9110"\nsection = "15.5.5"', 'status = "unofficial"')
    built = build_site(make_project({"content/codes/404.toml": toml}))
    for prefix, label, none in (("", "Unofficial", "none"), ("zh/", "非官方", "无"), ("ru/", "Неофициальный", "нет")):
        html = built.files[f"{prefix}404/index.html"].decode()
        spec = html.split('id="specification"', 1)[1].split("</section>", 1)[0]
        assert f"<li>{label}</li>" in spec
        assert "<a " not in spec
        assert f"<dd>{none}</dd>" in html
        assert f'badge-unofficial">{label}</span>' in html


TEMPORARY = '\n[[meaning]]\nid = "draft"\nphrase = "Draft Meaning"\nstatus = "temporary"\nspec = "RFC 9110"\nsection = "15.5.5"\nexpires = "{date}"\n'


@pytest.mark.parametrize(("expires", "expired"), [("2025-12-31", True), ("2026-01-01", False), ("2026-06-30", False)])
def test_an_expired_temporary_registration_is_never_shown_as_current(
    make_project: Callable[..., Path], expires: str, expired: bool
) -> None:
    """The build date is 2026-01-01 (SOURCE_DATE_EPOCH in conftest)."""
    meaning = TEMPORARY.format(date=expires)
    body = "\n## Draft {#draft}\n\nA draft meaning.\n"
    root = make_project(
        {
            "content/codes/404.toml": code_toml(meaning=meaning).replace(
                '[[meaning]]\nphrase = "Not Found"', '[[meaning]]\nid = "meaning"\nphrase = "Not Found"'
            ),
            "content/en/404.md": __import__("sitekit").EN_404 + body,
            "content/zh/404.md": None,
            "content/ru/404.md": None,
        }
    )
    built = build_site(root)
    page = built.files["404/index.html"].decode()
    warnings = [str(w) for w in built.warnings]
    day = {"2025-12-31": "December 31, 2025", "2026-01-01": "January 1, 2026", "2026-06-30": "June 30, 2026"}[expires]
    data = json.loads(built.files["404.json"])
    if expired:
        assert f"expired {day}" in page and f"expires {day}" not in page
        assert any("warning: the temporary registration of 404 expired on 2025-12-31" in w for w in warnings)
        assert data["meanings"][1]["expired"] is True
    else:
        assert f"expires {day}" in page and "expired" not in page
        assert not any("temporary registration" in w for w in warnings)
        assert data["meanings"][1]["expired"] is False


class _Prose(HTMLParser):
    """The text of a page a reader sees as prose: not code, not marked English, not scripts."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source"}
    SKIP = {"code", "pre", "script", "style", "kbd", "samp", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.skipping: list[bool] = []
        self.text: list[str] = []
        self.glue = False  # after <wbr>: the next text continues the same word

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.glue = tag == "wbr"
        if tag not in self.VOID:
            self.skipping.append(tag in self.SKIP or (dict(attrs).get("lang") or "").startswith("en"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.skipping:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.skipping):
            if self.glue and self.text:
                self.text[-1] += data
            else:
                self.text.append(data)
        self.glue = False


# Three or more Latin words in a row, one of them an ordinary lowercase word: English prose, not a
# product name ("Internet Information Services") or an identifier.
_RUN = re.compile(r"[A-Za-z][\w'’.-]*(?:[ \t]+[A-Za-z][\w'’.-]*){2,}")


def english_runs(html: str) -> list[str]:
    """Runs of English words in a page's prose."""
    parser = _Prose()
    parser.feed(html)
    found = []
    for match in _RUN.finditer(" ".join(parser.text)):
        if any(re.match(r"^[a-z]{3,}", word) for word in match.group(0).split()):
            found.append(match.group(0))
    return found


def test_the_english_run_finder_finds_english_and_spares_names_and_code() -> None:
    assert english_runs("<p>Статус (Informal proxy convention) задан</p>") == ["Informal proxy convention"]
    assert english_runs("<p>见 Internet Information Services 与 <code>proxy read timeout</code></p>") == []
    assert english_runs('<p>Фраза <span lang="en">I\'m a teapot</span></p>') == []
    assert english_runs("<th>Node.<wbr>js fetch</th>") == []  # <wbr> breaks a line, not a word


def reviewed_codes() -> list[int]:
    return sorted(n for n, code in real_site().content.codes.items() if code.reviewed)


def test_every_code_is_reviewed_and_lists_its_sources() -> None:
    codes = real_site().content.codes
    assert reviewed_codes() == sorted(codes)  # every code page checked against its sources, in en, zh and ru
    for number in reviewed_codes():
        assert codes[number].sources, f"content/codes/{number}.toml: reviewed, but no [[source]]"


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_no_english_text_on_reviewed_chinese_and_russian_pages(lang: str) -> None:
    """Words belong to each language: data holds names only, and quoted English (log lines,
    error messages) stands in code spans or is marked lang="en"."""
    site = real_site()
    pages = [f"{lang}/{n}/index.html" for n in reviewed_codes()]
    pages += [f"{lang}/index.html", *(f"{lang}/{k}xx/index.html" for k in "12345"), f"{lang}/warning/index.html"]
    leaks = {page: english_runs(site.files[page].decode()) for page in pages}
    assert {page: runs for page, runs in leaks.items() if runs} == {}


def facts() -> dict[str, dict]:
    return tomllib.loads((ROOT / "content" / "facts.toml").read_text(encoding="utf-8"))


def statements(fact: dict, text: str) -> list[tuple[int, str]]:
    """(line, number) for each statement of `fact` in a page's text."""
    found = []
    for pattern in fact["find"]:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            found.append((text.count("\n", 0, match.start(1)) + 1, match.group(1)))
    return found


def test_each_fact_finds_at_least_two_statements_and_sources_itself() -> None:
    pages = sorted((ROOT / "content").glob("*/*.md"))
    for name, fact in facts().items():
        assert set(fact) == {"value", "source", "find"}, name
        assert fact["source"].startswith("https://"), name
        hits = sum(len(statements(fact, page.read_text(encoding="utf-8"))) for page in pages)
        assert hits >= 2, (
            f"content/facts.toml: [{name}] is stated on fewer than two pages: its patterns find nothing to keep consistent"
        )


def test_no_page_contradicts_a_fact() -> None:
    wrong = []
    for page in sorted((ROOT / "content").glob("*/*.md")):
        text = page.read_text(encoding="utf-8")
        for name, fact in facts().items():
            for line, number in statements(fact, text):
                if number != fact["value"]:
                    wrong.append(
                        f"{page.relative_to(ROOT)}:{line}: states {number} for {name}; content/facts.toml says {fact['value']}"
                    )
    assert wrong == []


def test_the_contradiction_check_catches_a_changed_number() -> None:
    fact = facts()["nginx-proxy-read-timeout-default"]
    assert statements(fact, "nginx waits `proxy_read_timeout` (60 seconds by default)") == [(1, "60")]
    assert statements(fact, "nginx waits `proxy_read_timeout` (90 seconds by default)") == [(1, "90")]
    assert statements(fact, "`proxy_read_timeout`（默认 60 秒）") == [(1, "60")]
    assert statements(fact, "`proxy_read_timeout` (по умолчанию 60 секунд)") == [(1, "60")]


def test_418_is_titled_by_the_name_people_know_with_its_registry_status_beside_it() -> None:
    files = real_site().files
    page = files["418/index.html"].decode()
    assert "<title>418 I&#39;m a teapot" in page and 'badge badge-unused">Unused' in page
    data = json.loads(files["418.json"])
    assert (
        data["phrase"] == "I'm a teapot" and data["meanings"][0]["phrase"] == "(Unused)"
    )  # the registry's entry, as IANA has it
