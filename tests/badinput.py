"""The malformed inputs of the bad-input table: each a change to the tiny default project."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sitekit import CODE_410, EN_404, EN_410, SITE_TOML

from generator.content import parse_page
from generator.site import source_hash

EN_404_HASH = source_hash(parse_page(EN_404, path="en/404.md", lang="en", key="404", default=True))

PO_RU = "locales/ru/LC_MESSAGES/messages.po"
PO_ZH = "locales/zh_Hans/LC_MESSAGES/messages.po"


def po(
    head: str = "",
    entries: str = "",
    *,
    plural: str = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    header: bool = True,
) -> str:
    """A small Russian catalog (a real one is replaced: only these entries exist)."""
    top = (
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural}\\n"\n\n'
        if header
        else ""
    )
    return head + top + entries


@dataclass(frozen=True)
class Symlink:
    """A symlink to `target` in place of the file (relative targets are from the link's folder)."""

    target: str


@dataclass(frozen=True)
class Special:
    """Something other than a regular file in its place: 'fifo', 'folder' or 'device'."""

    kind: str


Entry = str | bytes | Symlink | Special | None


def place(root: Path, relative: str, data: Entry) -> None:
    """Put one entry of a case into a project, replacing what is there."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path) and not path.is_dir():
        path.unlink()
    if data is None:
        return
    if isinstance(data, Symlink):
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        path.symlink_to(data.target)
    elif isinstance(data, Special):
        if data.kind == "fifo":
            os.mkfifo(path)
        elif data.kind == "folder":
            path.mkdir()
        else:  # /dev/null's numbers; creating a device node needs root, as the tests run
            os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 3))
    else:
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


DEEP = "[" * 5000 + "]" * 5000
PO_TEMPLATE = "locales/messages.pot"

CASES: dict[str, dict[str, Entry]] = {
    "unclosed front matter": {"content/en/410.md": '+++\nsummary = "x"\n## Gone {#meaning}\n'},
    "invalid front matter": {"content/en/410.md": '+++\nsummary = "x"\nrelated = [1,\n+++\nbody\n'},
    "front matter that is not TOML": {"content/en/410.md": "---\nsummary: x\n---\nbody\n"},
    "front matter key of the wrong kind": {
        "content/ru/404.md": EN_404.replace(
            'summary = "Nothing is here."', 'phrase = "Не найдено"\nsummary = "x"\nphrases = "esri"'
        )
    },
    "unknown key with a suggestion": {"content/en/410.md": EN_410.replace("summary =", "sumary =")},
    "missing required field": {"content/codes/410.toml": CODE_410.replace("cacheable = true\n", "")},
    "wrong type": {"content/codes/410.toml": CODE_410.replace("cacheable = true", 'cacheable = "yes"')},
    "code outside 100-599": {"content/codes/410.toml": CODE_410.replace("code = 410", "code = 610")},
    "file name and data disagree": {"content/codes/410.toml": CODE_410.replace("code = 410", "code = 411")},
    "duplicate code": {"content/codes/411.toml": CODE_410, "content/en/411.md": EN_410},
    "two pages write one output path": {
        "site.toml": SITE_TOML + '\n[languages.xx]\nprefix = "410"\ntag = "de"\nbabel = "de"\nog = "de_DE"\n'
    },
    "translation with no English page": {"content/zh/411.md": '+++\nphrase = "x"\nsummary = "x"\n+++\nbody\n'},
    "link to a missing code": {"content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[418]]")},
    "link to a missing fragment": {"content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404#nowhere]]")},
    "invalid UTF-8": {"content/en/410.md": EN_410.encode() + b"\n\xff\xfe broken\n"},
    "UTF-16 file": {"content/en/410.md": EN_410.encode("utf-16")},
    "NUL byte": {"content/en/410.md": EN_410.encode() + b"a\x00b\n"},
    "empty file": {"content/en/410.md": ""},
    "file over the size limit": {"content/en/410.md": EN_410 + "word " * 110_000},
    "catalog syntax error": {PO_RU: po(entries='msgid "Home"\nmsgstr Главная\n')},
    "catalog placeholder mismatch": {PO_RU: po(entries='msgid "Updated %(date)s."\nmsgstr "Обновлено %(day)s."\n')},
    "Russian plural entry missing a form": {
        PO_RU: po(
            entries='msgid "%(num)s code"\nmsgid_plural "%(num)s codes"\nmsgstr[0] "%(num)s код"\nmsgstr[1] "%(num)s кода"\n'
        )
    },
    "catalog without a header": {PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', header=False)},
    "catalog with wrong plural count": {
        PO_ZH: po(entries='msgid "Home"\nmsgstr "首页"\n', plural="nplurals=2; plural=(n != 1);")
    },
    "template syntax error": {
        "templates/class.html": "{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n"
    },
    "template with an undefined variable": {
        "templates/class.html": "{% extends 'base.html' %}\n{% block title %}x{% endblock %}\n{% block main %}\n{{ no_such_thing }}\n{% endblock %}\n"
    },
    "invalid site.toml": {
        "site.toml": SITE_TOML.replace('base_url = "/"', 'base_url = "/'),
    },
    "unknown site.toml key": {
        "site.toml": SITE_TOML.replace('default_language = "en"', 'default_language = "en"\ntheme = "dark"')
    },
    "heading without an id": {"content/en/410.md": EN_410.replace("## What it means {#meaning}", "## What it means")},
    "unsafe link": {
        "content/en/410.md": EN_410 + "\n[click](javascript:alert(1)) and ![x](data:image/png;base64,AAAA)\n"
    },
    "event handler through attribute syntax": {"content/en/410.md": EN_410 + '\nText.\n{: onclick="alert(1)" }\n'},
    "temporary meaning without expiry": {
        "content/codes/410.toml": CODE_410.replace('status = "standard"', 'status = "temporary"')
    },
    "unofficial meaning without vendor": {
        "content/codes/410.toml": CODE_410.replace(
            'status = "standard"\nspec = "RFC 9110"\nsection = "15.5.11"',
            'status = "unofficial"\nsource = "https://example.org/"',
        )
    },
    "section missing from specs": {
        "content/codes/410.toml": CODE_410.replace('section = "15.5.11"', 'section = "15.5.99"')
    },
    "related code without a page": {
        "content/codes/410.toml": CODE_410.replace("related = [404]", "related = [404, 418]")
    },
    "translated phrase for an unknown meaning": {
        "content/ru/404.md": EN_404.replace(
            'summary = "Nothing is here."', 'phrase = "Не найдено"\nsummary = "x"\n[phrases]\nesri = "Токен"'
        )
    },
    "translation whose structure differs": {
        "content/ru/404.md": EN_404.replace(
            'summary = "Nothing is here."', f'phrase = "Не найдено"\nsummary = "x"\nsource_hash = "{EN_404_HASH}"'
        )
        .replace("{#vs-410}", "{#vs-411}")
        .replace("```http\n", "```http\nGET / HTTP/1.1\n")
    },
    "catalog with a lone percent sign": {PO_RU: po(entries='msgid "Home"\nmsgstr "100% Главная"\n')},
    "BOM and CRLF are accepted": {"content/en/410.md": b"\xef\xbb\xbf" + EN_410.replace("\n", "\r\n").encode()},
    "phrase in the default language": {
        "content/en/410.md": EN_410.replace("+++\nsummary", '+++\nphrase = "Gone"\nsummary')
    },
    "unexpected file in a language folder": {"content/en/notes.txt": "todo\n"},
    "spec url that is not https": {
        "content/specs.toml": '["RFC 9110"]\ntitle = "HTTP Semantics"\nurl = "javascript:alert(1)"\n["RFC 9110".sections]\n"15.5.5" = "404 Not Found"\n"15.5.11" = "410 Gone"\n'
    },
    # not a regular file inside the project
    "page that is a FIFO": {"content/en/410.md": Special("fifo")},
    "page that is a folder": {"content/en/410.md": Special("folder")},
    "page that is a device": {"content/en/410.md": Special("device")},
    "dangling symlink": {"content/en/410.md": Symlink("gone.md")},
    "symlink loop": {"content/en/410.md": Symlink("410.md")},
    "symlink to a file outside the project": {"content/en/410.md": Symlink("/etc/passwd")},
    "language folder linked outside the project": {"content/zh": Symlink("/etc")},
    "facts folder in a symlink loop": {"content/codes": Symlink("codes")},
    "static file linked to /etc/passwd": {"templates/static/passwd.txt": Symlink("/etc/passwd")},
    "static file that is a FIFO": {"templates/static/pipe.css": Special("fifo")},
    "template linked outside the project": {"templates/class.html": Symlink("/etc/passwd")},
    "site.toml that is a FIFO": {"site.toml": Special("fifo")},
    "specs.toml that is a folder": {"content/specs.toml": Special("folder")},
    "catalog that is a dangling symlink": {PO_RU: Symlink("nowhere.po")},
    # malformed files
    "deeply nested TOML in facts": {"content/codes/410.toml": CODE_410 + f"extra = {DEEP}\n"},
    "deeply nested TOML in front matter": {
        "content/en/410.md": EN_410.replace("+++\n## What", f"x = {{a = {DEEP}}}\n+++\n## What")
    },
    "deeply nested site.toml": {"site.toml": SITE_TOML + f"deep = {DEEP}\n"},
    "Plural-Forms that is not an expression": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=3; plural=(n %% 10;")
    },
    "Plural-Forms dividing by zero": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=3; plural=(n / (n % 10));")
    },
    "Plural-Forms with a form out of range": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=3; plural=(n % 4);")
    },
    "Plural-Forms with nplurals that is no number": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=three; plural=0;")
    },
    "catalog declaring another charset": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n').replace("charset=UTF-8", "charset=KOI8-R")
    },
    "catalog placeholder of another type": {PO_RU: po(entries='msgid "%(num)d codes"\nmsgstr "%(num)s кодов"\n')},
    "template that is not UTF-8": {
        "templates/class.html": b"{% extends 'base.html' %}\n{% block main %}\n\xff\xfe\n{% endblock %}\n"
    },
    "catalog template that is not UTF-8": {
        PO_TEMPLATE: b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Home"\nmsgstr "\xff"\n'
    },
    "catalog template with a syntax error": {
        PO_TEMPLATE: 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid Home\n'
    },
    "meaning citing a spec that specs.toml lacks": {
        "content/specs.toml": "",
        "content/codes/410.toml": CODE_410.replace('spec = "RFC 9110"', 'spec = "RFC 9999"'),
    },
    "expiry that is not a date": {
        "content/codes/410.toml": CODE_410.replace(
            'status = "standard"', 'status = "temporary"\nexpires = "2026-13-45"'
        )
    },
    # settings
    "language prefix leaving the output": {"site.toml": SITE_TOML.replace('prefix = "ru"', 'prefix = "../../x"')},
    "language prefix that is an absolute path": {"site.toml": SITE_TOML.replace('prefix = "ru"', 'prefix = "/tmp/x"')},
    "tag that is not BCP 47": {"site.toml": SITE_TOML.replace('tag = "ru"', 'tag = "ru\\"><script>"')},
    "base_url with a newline": {
        "site.toml": SITE_TOML.replace('base_url = "/"', 'base_url = "/x/\\nSitemap: https://evil.example/"')
    },
    "base_url with another scheme": {
        "site.toml": SITE_TOML.replace('base_url = "/"', 'base_url = "javascript:alert(1)//"')
    },
    "max_code out of range": {
        "site.toml": SITE_TOML.replace('default_language = "en"', 'default_language = "en"\nmax_code = 1000000')
    },
    # cross-links that do not match the syntax
    "cross-link with spaces": {"content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[ 404 ]]")},
    "cross-link fragment in the wrong case": {
        "content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[404#Meaning]]")
    },
    "cross-link to something not a code": {
        "content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[40x]]")
    },
    "cross-link with empty text": {
        "content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[404|]]")
    },
    "cross-link never closed": {"content/en/410.md": EN_410.replace("compare [[404]]", "compare [[404]] and [[404")},
    # Markdown that would take Python-Markdown seconds
    "thousands of emphasis markers": {"content/en/410.md": EN_410 + "\n" + "*a" * 3000 + "\n"},
    "list markers nested on one line": {"content/en/410.md": EN_410 + "\n" + "- " * 100 + "deep\n"},
    "a run of backticks": {"content/en/410.md": EN_410 + "\nUse `" + "`" * 20 + " here.\n"},
    # more of the same, as an attacker or a careless contributor would
    "template that is a FIFO": {"templates/base.html": Special("fifo")},
    "static folder linked outside the project": {"templates/static/etc": Symlink("/etc")},
    "constants.toml linked outside the project": {"content/constants.toml": Symlink("/etc/passwd")},
    "Plural-Forms with no forms": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=0; plural=0;")
    },
    "Plural-Forms calling a function": {
        PO_RU: po(entries='msgid "Home"\nmsgstr "Главная"\n', plural="nplurals=3; plural=__import__('os').getpid();")
    },
    "template nested too deeply": {
        "templates/class.html": "{% extends 'base.html' %}\n{% block main %}\n"
        + "{% if x %}" * 3000
        + "{% endif %}" * 3000
        + "\n{% endblock %}\n"
    },
    "clients.json that is a FIFO": {"content/clients.json": Special("fifo")},
    "clients.json nested too deeply": {"content/clients.json": "[" * 100_000 + "]" * 100_000},
}
