"""Translator tools one by one: the linter's rules and what it never reads, honest states, init's
refusals, Unix behaviour, and the extracted template kept current."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import build_site
from generator.config import load_config
from generator.i18n import pot_problems
from generator.i18nlint import Rules, lint, lint_text, load_rules

ROOT = Path(__file__).resolve().parent.parent
Cli = Callable[..., tuple[int, str, str]]


def real_rules(code: str) -> Rules:
    """The repository's rules for one language."""
    config = load_config(ROOT)
    rules = load_rules(ROOT, config.language(code))
    assert rules is not None
    return rules


def findings(text: str, code: str) -> list[str]:
    """Lint a page text with a language's real rules: the messages, with their lines."""
    return [f"{p.line}: {p.message}" for p in lint_text(text, "page.md", real_rules(code))]


def test_chinese_punctuation_and_terms() -> None:
    text = '+++\nsummary = "服务器返回 \\"Not Found\\"。"\n+++\n注意: 这是卸载负载的例子, 见 RFC 9110 第 15.5 节（源站(origin)）。\n参见 “重试” 一节。\n'
    found = findings(text, "zh")
    assert sorted(f.split("»")[0] + "»" for f in found) == sorted(
        [
            '2: «回 "»',
            '2: «"。»',
            "4: «RFC 9110 第 15»",
            "4: «卸载负载»",
            "4: «意:»",
            "4: «子,»",
            "4: «站(»",
            "5: «见 “»",
            "5: «” 一»",
        ]
    )
    assert "4: «卸载负载»: write «负载削减» (load shedding): 卸载 reads as offloading; as a verb: 削减负载" in found
    assert "4: «意:»: ASCII colon next to Chinese text: write ：, with no space after it" in found


def test_what_is_never_prose() -> None:
    text = (
        '+++\nphrase = "未找到"\nsource_hash = "abc"\n+++\n'
        "## 含义 {#meaning}\n"
        '用 `curl -H "Accept: x"` 或 [链接](https://example.org/a,b(c)) 和 [[404#vs-410]]、<https://x.org/§1>。\n'
        '```http\nHTTP/1.1 404 Not Found\n服务器: "x"\n```\n'
        "Cloudflare Origin CA 与 `upstream` 块。\n"
    )
    assert findings(text, "zh") == []
    russian = (
        '+++\nphrase = "Не найдено"\n+++\n'
        "Включите Authenticated Origin Pulls и смотрите *no live upstreams* в журнале.\n"
        "Источник (origin) — схема, хост и порт; блок `upstream` в nginx; заголовок `Origin`.\n"
        "```nginx\nupstream backend { server 127.0.0.1; }\n```\n"
    )
    assert findings(russian, "ru") == []


def test_russian_terms_with_any_ending() -> None:
    text = 'Upstream ответил, origin молчит.\nТаймауты и краулеров много; разметка сообщения важна. "Цитата".\n'
    assert [f.split("»")[0] + "»" for f in findings(text, "ru")] == [
        "1: «origin»",
        "1: «Upstream»",
        "2: «Таймауты»",
        "2: «краулеров»",
        "2: «разметка сообщения»",
        '2: «"Ц»',
        '2: «а"»',
    ]
    assert findings("Исходный сервер и вышестоящий сервер; тайм-аут; поисковый робот; кэш.\n", "ru") == []


def test_the_real_content_follows_the_glossary() -> None:
    # Every zh and ru page (code, class, home and Warning pages) and the UI catalogs.
    config = load_config(ROOT)
    problems = lint(config, [config.language("zh"), config.language("ru")])
    assert [str(p) for p in problems] == []


def test_rules_file_errors_are_one_line_each(cli: Cli, make_project: Callable[..., Path]) -> None:
    root = make_project()
    (root / "locales/ru/glossary.toml").write_text(
        'language = "Russian"\n[[term]]\nenglish = "x"\npreffered = "y"\n[[punctuation]]\npattern = "("\nmessage = "m"\n'
    )
    code, out, err = cli("--root", str(root), "i18n", "lint", "ru")
    assert code == 65
    assert err.splitlines()[:-1] == [
        "locales/ru/glossary.toml:2: term 1: missing required key 'preferred'",
        "locales/ru/glossary.toml:4: term 1: unknown key 'preffered' (did you mean 'preferred'?)",
        "locales/ru/glossary.toml:6: invalid pattern: missing ), unterminated subpattern at position 0",
    ]


def test_new_is_not_outdated_and_its_structure_is_checked(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project(stamp=False)
    built = build_site(root, search=False)
    assert built.linked.states[("zh", "404")] == "new" and not built.warnings
    assert "has changed since it was translated" not in built.files["zh/404/index.html"].decode()
    page = root / "content/zh/404.md"
    page.write_text(page.read_text().replace("{#vs-410}", "{#vs-411}"))
    code, _, err = cli("--root", str(root), "check")
    assert code == 65 and "content/zh/404.md" in err and "section #vs-410 of the English page is missing" in err


def test_an_outdated_page_is_warned_about_not_refused(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project()
    english = root / "content/en/404.md"
    english.write_text(
        english.read_text().replace("{#vs-410}", "{#vs-410}\n\nA new paragraph.\n\n## New section {#new}")
    )
    code, out, err = cli("--root", str(root), "check")
    assert code == 0, err
    assert "content/zh/404.md:1: warning: translation is outdated" in out
    code, _, err = cli("--root", str(root), "i18n", "stamp", "zh", "404")
    assert (
        code == 65 and "section #new of the English page is missing: add its heading with {#new} after #vs-410" in err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["../../x"],
            "site.toml:1: '../../x' is not a language code: write it like 'de' or 'pt-br' (lower case; it is also the URL prefix)",
        ),
        (
            ["ru-x", "--locale", "ru"],
            "site.toml:1: locale 'ru' is already the locale of language 'ru' (its catalog is locales/ru/LC_MESSAGES/messages.po)",
        ),
        (["xq"], "site.toml:1: 'xq' is not a locale Babel knows: give one with --locale, e.g. --locale pt_BR"),
        (
            ["de", "--locale", "../de"],
            "site.toml:1: '../de' is not a locale Babel knows: give one with --locale, e.g. --locale pt_BR",
        ),
        (["de", "--tag", 'de"\nx'], "site.toml:1: 'de\"\\nx' is not a BCP 47 language tag like 'pt-BR'"),
        (["ru"], "site.toml:1: language 'ru' already exists"),
    ],
)
def test_init_refuses_and_touches_nothing(
    args: list[str], message: str, make_project: Callable[..., Path], cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project()
    capsys.readouterr()
    before = root.parent / "before"
    shutil.copytree(root, before)
    code, out, err = cli("--root", str(root), "i18n", "init", *args)
    assert code == 65 and out == "" and "Traceback" not in err
    assert err == f"{message}\n1 problem; nothing was written.\n"
    assert not filecmp.dircmp(before, root).diff_files and sorted(os.listdir(root)) == sorted(os.listdir(before))
    assert not (root.parent / "x").exists() and not (root / "content/ru-x").exists()
    compared = filecmp.dircmp(before / "locales", root / "locales")
    assert not compared.left_only and not compared.right_only


def test_init_never_replaces_a_catalog(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project()
    orphan = root / "locales/de/LC_MESSAGES/messages.po"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("# someone's work\n")
    code, _, err = cli("--root", str(root), "i18n", "init", "de")
    assert code == 65 and err.startswith("locales/de/LC_MESSAGES/messages.po:1: already exists and is left alone")
    assert orphan.read_text() == "# someone's work\n" and "[languages.de]" not in (root / "site.toml").read_text()


def test_commands_are_unix_tools(make_project: Callable[..., Path]) -> None:
    root = make_project()
    command = [sys.executable, "-m", "generator", "--root", str(root), "i18n", "status"]
    # The reader is gone before the first line is written, as with `| head` on a long listing.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 141 and err == ""
    done = subprocess.run([*command[:-1], "diff", "xx", "404"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert (
        done.returncode == 65
        and done.stderr
        == "site.toml:1: 'xx' is not a translated language of this site (translations: zh, ru)\n1 problem; nothing was written.\n"
    )


def test_messages_pot_is_current() -> None:
    # Fails when a template's strings or their lines changed without `python -m generator i18n extract`.
    assert [str(p) for p in pot_problems(ROOT)] == []


def test_stale_pot_is_reported(make_project: Callable[..., Path], cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project()
    capsys.readouterr()
    base = root / "templates/base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>{{ _('A brand new string') }}</p>\n</footer>"))
    assert cli("--root", str(root), "i18n", "extract", "--check") == (
        1,
        "locales/messages.pot:1: out of date with the templates: run `python -m generator i18n extract`, then `i18n update`\n",
        "",
    )
    code, out, _ = cli("--root", str(root), "check")
    assert code == 0 and "locales/messages.pot:1: warning: out of date with the templates" in out
    assert cli("--root", str(root), "i18n", "extract")[0] == 0
    assert cli("--root", str(root), "i18n", "extract", "--check") == (0, "", "")


def test_ui_strings_follow_the_same_rules(make_project: Callable[..., Path], cli: Cli) -> None:
    root = make_project()
    catalog = root / "locales/zh_Hans/LC_MESSAGES/messages.po"
    text = catalog.read_text()
    assert 'msgstr "非官方"' in text
    catalog.write_text(text.replace('msgstr "非官方"', 'msgstr "非官方(%(x)s)"', 1))
    line = catalog.read_text().split("\n").index('msgstr "非官方(%(x)s)"') + 1
    code, out, _ = cli("--root", str(root), "i18n", "lint", "zh")
    assert code == 1
    assert (
        f"locales/zh_Hans/LC_MESSAGES/messages.po:{line}: «方(»: ASCII parentheses in Chinese text: write （…）, with no spaces around them\n"
        in out
    )
