"""The warn codes of the obsolete Warning header: their own pages and URL space, apart from the
status codes, in every language."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from generator.build import Built, build_site
from generator.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
WARN_CODES = {110: "5.5.1", 111: "5.5.2", 112: "5.5.3", 113: "5.5.4", 199: "5.5.5", 214: "5.5.6", 299: "5.5.7"}


@cache
def site() -> Built:
    return build_site(ROOT, search=False)


@pytest.mark.parametrize("prefix", ["", "zh/", "ru/"])
def test_every_warn_code_has_a_page_apart_from_the_status_codes(prefix: str) -> None:
    files = site().files
    index = files[f"{prefix}warning/index.html"].decode()
    home = files[f"{prefix}index.html"].decode()
    assert f'href="/{prefix}warning/"' in home
    for code, section in WARN_CODES.items():
        page = files[f"{prefix}warning/{code}/index.html"].decode()
        assert f'href="/{prefix}warning/{code}/"' in index
        assert f"https://www.rfc-editor.org/rfc/rfc7234#section-{section}" in page  # where it was defined
        assert "https://www.rfc-editor.org/rfc/rfc9111#section-5.5" in page  # what made it obsolete
        assert 'class="notice"' in page
        assert f"{prefix}{code}/index.html" not in files  # not in the status codes' URL space
    codes = json.loads(files[f"{prefix}codes.json"])["codes"]
    assert not set(WARN_CODES) & {c["code"] for c in codes}


def test_the_translated_pages_are_current_translations() -> None:
    states = site().linked.states
    for lang in ("zh", "ru"):
        assert {states[(lang, f"warning-{code}")] for code in WARN_CODES} | {states[(lang, "warnings")]} == {"current"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"content/warn-codes.toml": '[310]\nphrase = "x"\nspec = "RFC 9110"\nsection = "15.5.5"\n'},
            "content/warn-codes.toml:1: warn code '310' must be three digits, 1xx or 2xx (RFC 7234 §5.5)",
        ),
        (
            {"content/warn-codes.toml": '[110]\nphrase = "x"\nspec = "RFC 9110"\nsection = "99"\n'},
            "content/warn-codes.toml:4: 110: section 99 of 'RFC 9110' is not in content/specs.toml",
        ),
        (
            {"content/en/warning-111.md": '+++\nsummary = "x"\n+++\nText.\n'},
            "content/en/warning-111.md:1: no warn code 111 in content/warn-codes.toml",
        ),
        (
            {"content/warn-codes.toml": '[110]\nphrase = "x"\nspec = "RFC 9110"\nsection = "15.5.5"\n'},
            "content/en/warnings.md:1: required page is missing",
        ),
    ],
)
def test_bad_warn_codes_are_reported_at_their_line(
    make_project: Callable[..., Path], files: dict[str, str], expected: str
) -> None:
    root = make_project(files, stamp=False)
    with pytest.raises(InputError) as raised:
        build_site(root, search=False)
    assert expected in [str(p) for p in raised.value.problems]
