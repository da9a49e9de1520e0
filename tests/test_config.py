"""site.toml: a typed structure that rejects unknown keys and names the line."""

from pathlib import Path

import pytest
from sitekit import SITE_TOML

from generator.config import parse_config
from generator.errors import InputError


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_config(text, root=Path("."))
    return [str(p) for p in caught.value.problems]


def test_languages_keep_every_locale_spelling() -> None:
    config = parse_config(SITE_TOML, root=Path("."))
    table = {lang.code: (lang.prefix, lang.tag, lang.babel, lang.og) for lang in config.languages}
    assert table == {
        "en": ("", "en", "en", "en_US"),
        "zh": ("zh", "zh-Hans", "zh_Hans", "zh_CN"),
        "ru": ("ru", "ru", "ru", "ru_RU"),
    }
    assert [lang.code for lang in config.languages][0] == "en"


def test_unknown_key_names_line_and_suggests() -> None:
    text = SITE_TOML.replace("default_language", "default_languag", 1)
    assert "site.toml:2: unknown key 'default_languag' (did you mean 'default_language'?)" in problems(text)


def test_unknown_language_key() -> None:
    text = SITE_TOML.replace('og = "ru_RU"', 'og = "ru_RU"\nflag = "ru"')
    assert problems(text) == ["site.toml:21: languages.ru: unknown key 'flag'"]


def test_invalid_toml_gives_line() -> None:
    text = SITE_TOML.replace('tag = "zh-Hans"', 'tag = "zh-Hans')
    (message,) = problems(text)
    assert message.startswith("site.toml:12: invalid TOML")


def test_wrong_type_and_missing_key() -> None:
    text = SITE_TOML.replace('base_url = "/"', "base_url = 3")
    assert problems(text) == ["site.toml:1: 'base_url' must be a string"]
    text = SITE_TOML.replace('base_url = "/"\n', "")
    assert problems(text) == ["site.toml:1: missing required key 'base_url'"]


def test_unknown_babel_locale() -> None:
    text = SITE_TOML.replace('babel = "ru"', 'babel = "xx_YY"')
    assert problems(text) == ["site.toml:19: unknown Babel locale 'xx_YY'"]
