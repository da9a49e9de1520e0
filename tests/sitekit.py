"""Writing small projects for tests: the real templates and catalogs, tiny content."""

from __future__ import annotations

import shutil
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

SITE_TOML = """\
base_url = "/"
default_language = "en"

[languages.en]
prefix = ""
tag = "en"
babel = "en"
og = "en_US"

[languages.zh]
prefix = "zh"
tag = "zh-Hans"
babel = "zh_Hans"
og = "zh_CN"

[languages.ru]
prefix = "ru"
tag = "ru"
babel = "ru"
og = "ru_RU"
"""

SPECS = """\
["RFC 9110"]
title = "HTTP Semantics"
url = "https://www.rfc-editor.org/rfc/rfc9110"
[“RFC 9110”.sections]
"15.5.5" = "404 Not Found"
"15.5.11" = "410 Gone"
""".replace("“RFC 9110”", '"RFC 9110"')

CONSTANTS = """\
[python]
label = "Python"
api = "http.HTTPStatus"
source = "Lib/http/__init__.py"
version = "3.13"
[python.codes]
"404" = "HTTPStatus.NOT_FOUND"
"410" = "HTTPStatus.GONE"
"""

CODE_404 = """\
code = 404
related = [410]
cacheable = true
body = true

[[meaning]]
phrase = "Not Found"
status = "standard"
spec = "RFC 9110"
section = "15.5.5"
"""

CODE_410 = """\
code = 410
related = [404]
cacheable = true
body = true

[[meaning]]
phrase = "Gone"
status = "standard"
spec = "RFC 9110"
section = "15.5.11"
"""

CODE_499 = """\
code = 499
related = [404]
cacheable = false
body = true

[[meaning]]
phrase = "Client Closed Request"
status = "unofficial"
vendor = "nginx"
source = "https://nginx.org/en/docs/"
id = "nginx"

[[meaning]]
phrase = "Token Required"
status = "unofficial"
vendor = "Esri ArcGIS"
source = "https://developers.arcgis.com/"
id = "esri"
"""

EN_404 = """\
+++
summary = "Nothing is here."
+++
## What it means {#meaning}

The server found nothing at this URI. See [[410]] for a permanent removal.

## 404 or 410? {#vs-410}

Use [[410#meaning]] when the removal is deliberate.

```http
HTTP/1.1 404 Not Found
```
"""

EN_410 = """\
+++
summary = "It was here, and is gone for good."
+++
## What it means {#meaning}

Removed on purpose; compare [[404]].
"""

EN_499 = """\
+++
summary = "Two vendors use 499."
+++
## nginx: Client Closed Request {#nginx}

The client went away. Compare [[404]].

## Esri: Token Required {#esri}

A token is needed.
"""


def text_page(title: str, summary: str, body: str = "Intro text.") -> str:
    """A home or class page."""
    return f'+++\ntitle = "{title}"\nsummary = "{summary}"\n+++\n{body}\n'


def default_files() -> dict[str, str]:
    """A small valid project: three codes (one with two meanings) in en, 404 in zh and ru."""
    files = {
        "site.toml": SITE_TOML,
        "content/specs.toml": SPECS,
        "content/constants.toml": CONSTANTS,
        "content/codes/404.toml": CODE_404,
        "content/codes/410.toml": CODE_410,
        "content/codes/499.toml": CODE_499,
        "content/en/404.md": EN_404,
        "content/en/410.md": EN_410,
        "content/en/499.md": EN_499,
        "content/en/home.md": text_page("HTTP status codes", "All of them."),
        "content/zh/home.md": text_page("HTTP 状态码", "全部状态码。"),
        "content/ru/home.md": text_page("Коды состояния HTTP", "Все коды."),
    }
    for klass in ("1xx", "2xx", "3xx", "4xx", "5xx"):
        files[f"content/en/{klass}.md"] = text_page(f"Class {klass}", f"About {klass}.")
    files["content/ru/404.md"] = EN_404.replace(
        'summary = "Nothing is here."', 'phrase = "Не найдено"\nsummary = "Здесь ничего нет."'
    ).replace("The server found nothing at this URI. See", "Сервер ничего не нашёл. См.")
    files["content/zh/404.md"] = EN_404.replace(
        'summary = "Nothing is here."', 'phrase = "未找到"\nsummary = "这里什么都没有。"'
    )
    return files


def write_project(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write a project: the real templates and locales plus `files` (None deletes a default)."""
    shutil.copytree(PROJECT / "templates", root / "templates")
    if (PROJECT / "locales").is_dir():
        shutil.copytree(PROJECT / "locales", root / "locales")
    for name, data in files.items():
        path = root / name
        if data is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def stamp_all(root: Path) -> None:
    """Mark every translation as current."""
    from generator.cli import main

    for lang in ("zh", "ru"):
        assert main(["--root", str(root), "i18n", "stamp", lang]) == 0
