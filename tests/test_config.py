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


# Settings are validated where they are parsed: property-based tests of what gets through.

from dataclasses import replace as _replace  # noqa: E402
from pathlib import PurePosixPath  # noqa: E402

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.config import (  # noqa: E402
    og_problem,
    prefix_problem,
    tag_problem,
    url_problem,
    with_base_url,
)

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
NASTY = st.text(alphabet="abz09-._/\\:?#% \n\t\x00AZé~@[]", max_size=20)


def base_url_problem(url: str) -> str:
    return url_problem(url, key="base_url", schemes=("https", "http"), relative=True)


@given(st.one_of(TEXT, NASTY))
@example("..")
@example(".")
@example("../x")
@example("/etc")
@example("zh/../..")
@example("static")
def test_an_accepted_prefix_is_one_safe_folder_name(prefix: str) -> None:
    if prefix_problem(prefix):
        return
    if prefix == "":
        return
    assert PurePosixPath(prefix).parts == (prefix,)
    assert prefix not in (".", "..") and set(prefix) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert (PurePosixPath("/out") / prefix).parent == PurePosixPath("/out")


@given(st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True))
def test_every_lowercase_segment_is_a_prefix(prefix: str) -> None:
    assert prefix_problem(prefix) == "" or prefix in ("static", "pagefind")


@given(st.one_of(TEXT, NASTY))
def test_site_toml_refuses_every_unsafe_prefix(prefix: str) -> None:
    if '"' in prefix or "\\" in prefix or any(ord(c) < 32 or ord(c) == 127 for c in prefix):
        return  # not a TOML basic string as written here
    text = SITE_TOML.replace('prefix = "ru"', f'prefix = "{prefix}"')
    message = prefix_problem(prefix) if prefix else "only the default language has an empty prefix"
    if prefix == "zh":
        message = "prefix 'zh' is used twice"
    if message:
        assert any(message in line and line.startswith("site.toml:") for line in problems(text))
    else:
        config = parse_config(text, root=Path("."))
        assert config.language("ru").prefix == prefix


LANGUAGE = st.from_regex(r"[a-z]{2,3}", fullmatch=True)
SCRIPT = st.from_regex(r"[A-Z][a-z]{3}", fullmatch=True)
REGION = st.one_of(st.from_regex(r"[A-Z]{2}", fullmatch=True), st.from_regex(r"[0-9]{3}", fullmatch=True))


@given(LANGUAGE, st.none() | SCRIPT, st.none() | REGION)
@example("zh", "Hans", None)
@example("sr", "Latn", "RS")
@example("es", None, "419")
def test_well_formed_tags_are_accepted(language: str, script: str | None, region: str | None) -> None:
    tag = "-".join(part for part in (language, script, region) if part)
    assert tag_problem(tag) == ""


@given(st.one_of(TEXT, NASTY))
@example("en_US")
@example("en-")
@example("-en")
@example("en--us")
@example('en"><script>')
@example("toolonglanguage")
def test_an_accepted_tag_is_letters_digits_and_single_hyphens(tag: str) -> None:
    if tag_problem(tag):
        return
    assert tag and tag.isascii() and tag.replace("-", "").isalnum()
    assert "" not in tag.split("-") and all(len(part) <= 8 for part in tag.split("-"))


@given(st.one_of(TEXT, NASTY))
@example("ru_RU")
@example("ru-RU")
@example("ru_ru")
def test_an_accepted_og_locale_is_language_underscore_region(og: str) -> None:
    if og_problem(og):
        return
    language, region = og.split("_")
    assert language.islower() and region.isupper() and len(region) == 2 and og.isascii()


HOST = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]{2,6}){0,2}(:[0-9]{2,5})?", fullmatch=True)
SEGMENT = st.from_regex(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,10}", fullmatch=True).filter(lambda s: s not in (".", ".."))


@given(st.sampled_from(["https", "http", ""]), HOST, st.lists(SEGMENT, max_size=3))
def test_good_base_urls_are_accepted(scheme: str, host: str, segments: list[str]) -> None:
    path = "/" + "".join(f"{s}/" for s in segments)
    url = f"{scheme}://{host}{path}" if scheme else path
    assert base_url_problem(url) == ""


@given(
    st.one_of(
        TEXT,
        NASTY,
        st.builds(
            lambda a, b: a + b,
            st.sampled_from(["https://", "http://", "/", "//", "javascript:"]),
            st.one_of(TEXT, NASTY),
        ),
    )
)
@example("/repo")
@example("/repo/?q=1/")
@example("/repo/#x/")
@example("/a b/")
@example("/repo/\n")
@example("https:///")
@example("https://user@host/")
@example("//evil.example/")
@example("/../")
@example("ftp://host/")
@example("javascript:alert(1)//")
def test_an_accepted_base_url_is_an_http_url_or_absolute_path_ending_in_a_slash(url: str) -> None:
    if base_url_problem(url):
        return
    assert url.endswith("/") and url.isascii() and url.isprintable()
    assert not any(c.isspace() or c in '?#\\"<>' for c in url)
    assert url.startswith(("https://", "http://")) or (url.startswith("/") and not url.startswith("//"))
    rest = url.split("://", 1)[1] if "://" in url else url
    host = rest.split("/", 1)[0] if "://" in url else "x"
    assert host and "@" not in host
    assert ".." not in url.split("/")


@given(st.one_of(TEXT, NASTY))
@example("https://example.org/repo")
@example("/x y")
def test_base_url_from_the_command_line_gets_the_same_check(url: str) -> None:
    config = parse_config(SITE_TOML, root=Path("."))
    normalised = url if url.endswith("/") else url + "/"
    expected = url_problem(normalised, key="--base-url", schemes=("https", "http"), relative=True)
    if expected:
        with pytest.raises(InputError) as caught:
            with_base_url(config, url)
        assert [str(p) for p in caught.value.problems] == [f"--base-url:1: {expected}"]
    else:
        assert with_base_url(config, url) == _replace(config, base_url=normalised)


def test_settings_problems_name_their_line() -> None:
    text = (
        SITE_TOML.replace('base_url = "/"', 'base_url = "/repo/?x=1/"')
        .replace('prefix = "ru"', 'prefix = "../ru"')
        .replace('tag = "zh-Hans"', 'tag = "zh_Hans"')
        .replace('og = "en_US"', 'og = "en-us"')
        .replace('default_language = "en"', 'default_language = "en"\nmax_code = 100000')
    )
    assert problems(text) == [
        "site.toml:1: base_url must not have a query or fragment",
        "site.toml:3: max_code 100000 is outside 100-99999",
        "site.toml:9: languages.en: og 'en-us' must be an Open Graph locale like 'ru_RU'",
        "site.toml:13: languages.zh: tag 'zh_Hans' is not a well-formed BCP 47 language tag (like 'en', 'zh-Hans' or 'pt-BR')",
        "site.toml:18: languages.ru: prefix '../ru' must be lowercase letters, digits and '-' (one folder name, like 'zh' or 'pt-br')",
    ]
