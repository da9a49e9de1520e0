"""Every kind of malformed input: exact `path:line: message` lines, exit 65, no traceback, and the
previous site left byte-identical. Each case is one change to the tiny default project."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from badinput import CASES, place

from generator import bodies
from generator import parallel as parallel_module
from generator.errors import EXIT_INPUT

EXPECTED: dict[str, list[str]] = {
    "unclosed front matter": [
        "content/en/410.md:1: front matter opened here is never closed with '+++'",
    ],
    "invalid front matter": [
        "content/en/410.md:2: invalid TOML: Invalid value",
    ],
    "front matter that is not TOML": [
        "content/en/410.md:1: file must start with a '+++' front-matter line",
    ],
    "front matter key of the wrong kind": [
        "content/ru/404.md:4: 'phrases' must be a table of strings",
    ],
    "unknown key with a suggestion": [
        "content/en/410.md:1: missing required key 'summary'",
        "content/en/410.md:2: unknown key 'sumary' (did you mean 'summary'?)",
    ],
    "missing required field": [
        "content/codes/410.toml:1: missing required key 'cacheable'",
    ],
    "wrong type": [
        "content/codes/410.toml:3: 'cacheable' must be true or false",
    ],
    "code outside 100-599": [
        "content/codes/410.toml:1: code 610 is outside 100-599",
    ],
    "file name and data disagree": [
        "content/codes/410.toml:1: code 411 does not match the file name '410'",
    ],
    "duplicate code": [
        "content/codes/411.toml:1: code 410 does not match the file name '411'",
        "content/codes/411.toml:1: duplicate code 410: also defined in content/codes/410.toml",
    ],
    "two pages write one output path": [
        "content/en/home.md:1: output 410/index.html is also written by content/en/410.md",
    ],
    "translation with no English page": [
        "content/zh/411.md:1: translation has no en page content/en/411.md",
    ],
    "link to a missing code": [
        "content/en/410.md:6: link to code 418, which has no page",
    ],
    "link to a missing fragment": [
        "content/en/410.md:6: link to #nowhere, which is not a section of 404",
    ],
    "invalid UTF-8": [
        "content/en/410.md:8: file is not valid UTF-8",
    ],
    "UTF-16 file": [
        "content/en/410.md:1: file is UTF-16; save it as UTF-8",
    ],
    "NUL byte": [
        "content/en/410.md:7: file contains a NUL byte",
    ],
    "empty file": [
        "content/en/410.md:1: file is empty: it needs +++ front matter +++ and a body",
    ],
    "file over the size limit": [
        "content/en/410.md:1: file is 550121 bytes, over the limit of 524288",
    ],
    "catalog syntax error": [
        "locales/ru/LC_MESSAGES/messages.po:7: invalid catalog line: expected a keyword and a quoted string, or a comment",
    ],
    "catalog placeholder mismatch": [
        "locales/ru/LC_MESSAGES/messages.po:6: 'Updated %(date)s.': placeholder %(day)s is not in the msgid",
    ],
    "Russian plural entry missing a form": [
        "locales/ru/LC_MESSAGES/messages.po:6: plural entry has 2 forms; this language needs 3",
    ],
    "catalog without a header": [
        'locales/ru/LC_MESSAGES/messages.po:1: catalog has no header: it must start with msgid "" and a msgstr with Content-Type and Plural-Forms',
    ],
    "catalog with wrong plural count": [
        "locales/zh_Hans/LC_MESSAGES/messages.po:4: Plural-Forms says nplurals=2; zh_Hans has 1 plural forms",
    ],
    "template syntax error": [
        "templates/class.html:3: template syntax error: Expected an expression, got 'end of statement block'",
    ],
    "template with an undefined variable": [
        "templates/class.html:4: template error: 'no_such_thing' is undefined",
    ],
    "invalid site.toml": [
        "site.toml:1: invalid TOML: Illegal character '\\n'",
    ],
    "unknown site.toml key": [
        "site.toml:3: unknown key 'theme'",
    ],
    "heading without an id": [
        "content/en/410.md:4: heading 'What it means' needs an id: add {#some-id}",
    ],
    "unsafe link": [
        "content/en/410.md:8: unsafe URL 'data:image/png;base64,AAAA': use https:, http:, mailto: or a relative link",
        "content/en/410.md:8: unsafe URL 'javascript:alert(1)': use https:, http:, mailto: or a relative link",
    ],
    "event handler through attribute syntax": [
        "content/en/410.md:9: attribute 'onclick' is not allowed in Markdown",
    ],
    "temporary meaning without expiry": [
        "content/codes/410.toml:6: a temporary meaning needs 'expires' as YYYY-MM-DD",
    ],
    "unofficial meaning without vendor": [
        "content/codes/410.toml:6: an unofficial meaning needs 'vendor'",
    ],
    "section missing from specs": [
        "content/codes/410.toml:10: section '15.5.99' of RFC 9110 is not in content/specs.toml",
    ],
    "related code without a page": [
        "content/codes/410.toml:2: related code 418 has no page",
    ],
    "translated phrase for an unknown meaning": [
        "content/ru/404.md:5: phrases: 'esri' is not the id of another meaning of 404",
    ],
    "translation whose structure differs": [
        "content/ru/404.md:6: section #vs-410 of the English page is missing: add its heading with {#vs-410} after #meaning",
        "content/ru/404.md:10: section #vs-411 is not on the English page: headings keep the English page's ids",
        "content/ru/404.md:15: code block 1 differs from the English page's: copy code blocks verbatim",
    ],
    "catalog with a lone percent sign": [
        "locales/ru/LC_MESSAGES/messages.po:6: 'Home': a lone '%' must be written '%%'",
    ],
    "BOM and CRLF are accepted": [],
    "phrase in the default language": [
        "content/en/410.md:2: 'phrase' belongs in translations, not the default language",
    ],
    "unexpected file in a language folder": [
        "content/en/notes.txt:1: unexpected file: a language folder holds <code>.md, 1xx.md-5xx.md, home.md, warnings.md and warning-<code>.md",
    ],
    "spec url that is not https": [
        "content/specs.toml:3: RFC 9110: url must be an https:// URL",
    ],
    "page that is a FIFO": [
        "content/en/410.md:1: is a FIFO (named pipe), not a file",
    ],
    "page that is a folder": [
        "content/en/410.md:1: is a directory, not a file",
    ],
    "page that is a device": [
        "content/en/410.md:1: is a device, not a file",
    ],
    "dangling symlink": [
        "content/en/410.md:1: is a symlink to a missing file",
    ],
    "symlink loop": [
        "content/en/410.md:1: is a symlink loop",
    ],
    "symlink to a file outside the project": [
        "content/en/410.md:1: is a symlink to a file outside the project",
    ],
    "language folder linked outside the project": [
        "content/zh:1: is a symlink to a folder outside the project",
    ],
    "facts folder in a symlink loop": [
        "content/codes:1: is a symlink loop",
    ],
    "static file linked to /etc/passwd": [
        "templates/static/passwd.txt:1: is a symlink to a file outside the project",
    ],
    "static file that is a FIFO": [
        "templates/static/pipe.css:1: is a FIFO (named pipe), not a file",
    ],
    "template linked outside the project": [
        "templates/class.html:1: is a symlink to a file outside the project",
    ],
    "site.toml that is a FIFO": [
        "site.toml:1: is a FIFO (named pipe), not a file",
    ],
    "specs.toml that is a folder": [
        "content/specs.toml:1: is a directory, not a file",
    ],
    "catalog that is a dangling symlink": [
        "locales/ru/LC_MESSAGES/messages.po:1: is a symlink to a missing file",
    ],
    "deeply nested TOML in facts": [
        "content/codes/410.toml:11: invalid TOML: arrays or tables nested too deeply",
    ],
    "deeply nested TOML in front matter": [
        "content/en/410.md:3: invalid TOML: arrays or tables nested too deeply",
    ],
    "deeply nested site.toml": [
        "site.toml:21: invalid TOML: arrays or tables nested too deeply",
    ],
    "Plural-Forms that is not an expression": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms: invalid plural expression: unexpected token in plural form: %",
    ],
    "Plural-Forms dividing by zero": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms: plural expression fails for n=0: integer division or modulo by zero",
    ],
    "Plural-Forms with a form out of range": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms: plural expression gives form 3 for n=3; nplurals=3 allows 0-2",
    ],
    "Plural-Forms with nplurals that is no number": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms must read 'nplurals=N; plural=EXPRESSION;'",
    ],
    "catalog declaring another charset": [
        "locales/ru/LC_MESSAGES/messages.po:3: catalog declares charset koi8-r; catalogs must be UTF-8 (charset=UTF-8)",
    ],
    "catalog placeholder of another type": [
        "locales/ru/LC_MESSAGES/messages.po:6: '%(num)d codes': placeholder %(num)s has another type than the msgid's %(num)d",
    ],
    "template that is not UTF-8": [
        "templates/class.html:3: file is not valid UTF-8",
    ],
    "catalog template that is not UTF-8": [
        "locales/messages.pot:6: file is not valid UTF-8",
    ],
    "catalog template with a syntax error": [
        "locales/messages.pot:5: invalid catalog line: expected a keyword and a quoted string, or a comment",
    ],
    "meaning citing a spec that specs.toml lacks": [
        "content/codes/404.toml:9: spec 'RFC 9110' is not in content/specs.toml",
        "content/codes/410.toml:9: spec 'RFC 9999' is not in content/specs.toml",
    ],
    "expiry that is not a date": [
        "content/codes/410.toml:9: expires '2026-13-45' is not a date as YYYY-MM-DD",
    ],
    "language prefix leaving the output": [
        "site.toml:17: languages.ru: prefix '../../x' must be lowercase letters, digits and '-' (one folder name, like 'zh' or 'pt-br')",
    ],
    "language prefix that is an absolute path": [
        "site.toml:17: languages.ru: prefix '/tmp/x' must be lowercase letters, digits and '-' (one folder name, like 'zh' or 'pt-br')",
    ],
    "tag that is not BCP 47": [
        "site.toml:18: languages.ru: tag 'ru\"><script>' is not a well-formed BCP 47 language tag (like 'en', 'zh-Hans' or 'pt-BR')",
    ],
    "base_url with a newline": [
        "site.toml:1: base_url must not contain whitespace, control or non-ASCII characters (percent-encode them)",
    ],
    "base_url with another scheme": [
        "site.toml:1: base_url must be an https:// or http:// URL or an absolute path like '/repo/'",
    ],
    "max_code out of range": [
        "site.toml:3: max_code 1000000 is outside 100-99999",
    ],
    "cross-link with spaces": [
        "content/en/410.md:6: malformed cross-link '[[ 404 ]]': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
    ],
    "cross-link fragment in the wrong case": [
        "content/en/410.md:6: malformed cross-link '[[404#Meaning]]': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
    ],
    "cross-link to something not a code": [
        "content/en/410.md:6: malformed cross-link '[[40x]]': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
    ],
    "cross-link with empty text": [
        "content/en/410.md:6: malformed cross-link '[[404|]]': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
    ],
    "cross-link never closed": [
        "content/en/410.md:6: malformed cross-link '[[404.': write [[404]], [[404#section-id]] (a lowercase id) or [[404|text]]",
    ],
    "thousands of emphasis markers": [
        "content/en/410.md:8: 3000 '*' and '_' outside code blocks; a page may have at most 2000",
    ],
    "list markers nested on one line": [
        "content/en/410.md:8: line opens more than 20 nested lists or quotes; nesting may go 20 levels deep at most",
    ],
    "a run of backticks": [
        "content/en/410.md:8: a run of 21 backticks; code spans may use at most 8 (use a fenced block)",
    ],
    "template that is a FIFO": [
        "templates/base.html:1: is a FIFO (named pipe), not a file",
    ],
    "static folder linked outside the project": [
        "templates/static/etc:1: is a symlink to a folder outside the project",
    ],
    "constants.toml linked outside the project": [
        "content/constants.toml:1: is a symlink to a file outside the project",
    ],
    "Plural-Forms with no forms": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms: nplurals=0 must be between 1 and 6",
    ],
    "Plural-Forms calling a function": [
        "locales/ru/LC_MESSAGES/messages.po:4: Plural-Forms: invalid plural expression: invalid token in plural form: __import__",
    ],
    "template nested too deeply": [
        "templates/class.html:1: template is nested too deeply to compile",
    ],
    "clients.json that is a FIFO": [
        "content/clients.json:1: is a FIFO (named pipe), not a file",
    ],
    "clients.json nested too deeply": [
        "content/clients.json:1: invalid JSON: nested too deeply",
    ],
}


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_the_table_covers_at_least_thirty_malformed_inputs() -> None:
    assert set(EXPECTED) == set(CASES)
    assert sum(1 for lines in EXPECTED.values() if lines) >= 30


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(
    name: str,
    parallel: bool,
    make_project: Callable[..., Path],
    cli: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked: list[str] = []
    if parallel:  # Markdown and pages rendered by forked workers, as on a large site: the same lines
        real = multiprocessing.get_context
        monkeypatch.setattr(bodies, "PARALLEL_THRESHOLD", 1)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        monkeypatch.setattr(
            parallel_module.multiprocessing, "get_context", lambda method: forked.append(method) or real(method)
        )
    else:
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
    root = make_project()
    assert cli("--root", str(root), "build", "--no-cache")[0] == 0
    before = snapshot(root / "_site")
    for relative, data in CASES[name].items():
        place(root, relative, data)
    forked.clear()
    code, _, err = cli("--root", str(root), "build", "--no-cache")
    assert "Traceback" not in err
    expected = EXPECTED[name]
    if not expected:  # accepted input (BOM, CRLF)
        assert code == 0, err
        return
    lines = err.splitlines()
    assert code == EXIT_INPUT
    assert lines[:-1] == expected
    assert lines[:-1] == sorted(
        lines[:-1], key=lambda line: (line.split(":")[0], int(line.split(":")[1]))
    )  # by file, then line
    assert lines[-1] == f"{len(expected)} problem{'s' if len(expected) != 1 else ''}; nothing was written."
    assert snapshot(root / "_site") == before


def test_the_parallel_variant_renders_in_forked_workers(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the 'parallel' variant above sets up does start workers (for Markdown and for pages)."""
    forked: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(bodies, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(
        parallel_module.multiprocessing, "get_context", lambda method: forked.append(method) or real(method)
    )
    root = make_project()
    assert cli("--root", str(root), "build", "--no-cache")[0] == 0
    assert forked == ["fork", "fork"]


def test_all_problems_of_a_run_are_reported_together(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    files: dict[str, str | bytes | None] = {}
    for name in (
        "unknown key with a suggestion",
        "catalog placeholder mismatch",
        "template syntax error",
        "wrong type",
    ):
        files.update(CASES[name])
    root = make_project(files, stamp=False)
    code, _, err = cli("--root", str(root), "build")
    expected = sorted(
        EXPECTED["unknown key with a suggestion"]
        + EXPECTED["catalog placeholder mismatch"]
        + EXPECTED["template syntax error"]
        + EXPECTED["wrong type"]
    )
    assert code == EXIT_INPUT
    assert err.splitlines()[:-1] == expected


def test_base_url_option_is_checked_as_site_toml_is(
    make_project: Callable[..., Path], cli: Callable[..., tuple[int, str, str]]
) -> None:
    root = make_project()
    assert cli("--root", str(root), "build", "--no-cache")[0] == 0
    before = snapshot(root / "_site")
    for url, message in (
        (
            "/x/\nSitemap: https://evil.example/",
            "--base-url must not contain whitespace, control or non-ASCII characters (percent-encode them)",
        ),
        ("javascript:alert(1)//", "--base-url must be an https:// or http:// URL or an absolute path like '/repo/'"),
        ("https://example.org/repo/?q=1", "--base-url must not have a query or fragment"),
    ):
        code, _, err = cli("--root", str(root), "build", "--no-cache", "--base-url", url)
        assert (code, err.splitlines()) == (EXIT_INPUT, [f"--base-url:1: {message}", "1 problem; nothing was written."])
        assert snapshot(root / "_site") == before
    assert cli("--root", str(root), "build", "--no-cache", "--base-url", "https://example.org/repo")[0] == 0
    assert b"https://example.org/repo/sitemap.xml" in (root / "_site" / "robots.txt").read_bytes()
