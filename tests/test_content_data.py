"""Data tests over the real content/ and locales/: facts against the IANA snapshot and the
libraries themselves, every page complete in every language."""

from __future__ import annotations

import csv
import http
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.bodies import render_bodies
from generator.catalogs import coverage
from generator.config import load_config
from generator.content import Content, load_content
from generator.markup import Rendered
from generator.site import CURRENT, translation_states

ROOT = Path(__file__).resolve().parent.parent

# The unofficial codes the reference must cover, with the vendor of each meaning (issue 3).
UNOFFICIAL = {
    218: ["Apache"],
    419: ["Laravel"],
    420: ["Spring", "Twitter"],
    430: ["Shopify"],
    440: ["Microsoft"],
    449: ["Microsoft"],
    450: ["Microsoft"],
    460: ["AWS"],
    463: ["AWS"],
    464: ["AWS"],
    561: ["AWS"],
    444: ["nginx"],
    494: ["nginx"],
    495: ["nginx"],
    496: ["nginx"],
    497: ["nginx"],
    498: ["Esri"],
    499: ["nginx", "Esri"],
    509: ["cPanel"],
    520: ["Cloudflare"],
    521: ["Cloudflare"],
    522: ["Cloudflare"],
    523: ["Cloudflare"],
    524: ["Cloudflare"],
    525: ["Cloudflare"],
    526: ["Cloudflare"],
    527: ["Cloudflare"],
    529: ["Qualys"],
    530: ["Cloudflare", "Pantheon"],
    598: [None],
    599: ["Tornado"],
}
CONFUSED = [
    (301, 302),
    (302, 303),
    (307, 308),
    (302, 307),
    (301, 308),
    (401, 403),
    (401, 407),
    (404, 410),
    (400, 422),
    (413, 414),
    (413, 431),
    (414, 431),
    (429, 503),
    (502, 504),
]
FORMER = {
    413: "Payload Too Large",
    414: "Request-URI Too Long",
    416: "Requested Range Not Satisfiable",
    422: "Unprocessable Entity",
}


@cache
def content() -> Content:
    return load_content(load_config(ROOT))


@cache
def bodies() -> dict[tuple[str, str], Rendered]:
    return render_bodies(content())


@cache
def registry() -> tuple[str, list[dict[str, str]]]:
    lines = (ROOT / "content/iana-registry.csv").read_text(encoding="utf-8").splitlines()
    return lines[0], list(csv.DictReader(lines[1:]))


def registered_phrase(description: str) -> str:
    return re.sub(r"\s*\((TEMPORARY|OBSOLETED)[^)]*\)$", "", description)


def test_registry_snapshot_is_dated() -> None:
    assert re.match(r"^# IANA HTTP Status Code Registry snapshot, last updated \d{4}-\d{2}-\d{2}", registry()[0])


def test_every_registered_code_has_its_registered_phrase_and_reference() -> None:
    codes = content().codes
    for row in registry()[1]:
        number = int(row["value"])
        assert number in codes, f"{number} is registered but has no page"
        official = [m for m in codes[number].meanings if m.status != "unofficial"]
        assert official, f"{number}: no registered meaning"
        meaning = official[0]
        assert meaning.phrase == registered_phrase(row["description"]), number
        reference = re.match(r"\[(RFC\d+|draft-[a-z0-9-]+?)(?:-\d\d)?(?:, Section ([\d.]+))?\]", row["reference"])
        assert reference, row
        assert meaning.spec.replace(" ", "") == reference.group(1), number
        if reference.group(2):
            assert meaning.section == reference.group(2), number


def test_no_meaning_claims_a_registration_it_lacks() -> None:
    registered = {int(row["value"]) for row in registry()[1]}
    for number, code in content().codes.items():
        if any(m.status != "unofficial" for m in code.meanings):
            assert number in registered, number


def test_temporary_registration_states_its_expiry() -> None:
    row = next(r for r in registry()[1] if r["value"] == "104")
    expiry = re.search(r"expires (\d{4}-\d{2}-\d{2})", row["description"]).group(1)
    meaning = content().codes[104].meanings[0]
    assert (meaning.status, meaning.expires) == ("temporary", expiry)


def test_statuses_of_special_codes() -> None:
    codes = content().codes
    assert codes[306].meanings[0].status == codes[418].meanings[0].status == "unused"
    assert codes[510].meanings[0].status == "obsoleted"
    assert codes[305].meanings[0].status == "deprecated"


def test_former_phrases_are_kept() -> None:
    for number, former in FORMER.items():
        assert former in content().codes[number].meanings[0].former


def test_unofficial_codes_are_attributed_to_their_vendors() -> None:
    codes = content().codes
    for number, vendors in UNOFFICIAL.items():
        meanings = [m for m in codes[number].meanings if m.status == "unofficial"]
        assert len(meanings) == len(vendors), number
        for meaning, vendor in zip(meanings, vendors, strict=True):
            if vendor is None:  # a convention no vendor documents: no vendor, no vendor page
                assert meaning.vendor == meaning.source == "", (number, meaning)
            else:
                assert vendor in meaning.vendor and meaning.source.startswith("https://"), (number, meaning)
    exchange = [m for m in codes[451].meanings if m.status == "unofficial"]
    assert [m.vendor for m in exchange] == ["Microsoft Exchange"]


def test_python_constants_match_http_status() -> None:
    python = next(f for f in content().frameworks if f.key == "python")
    for number, constant in python.codes.items():
        name = constant.removeprefix("HTTPStatus.")
        alias = python.aliases.get(number, "").removeprefix("HTTPStatus.")
        present = name if hasattr(http.HTTPStatus, name) else alias
        if sys.version_info < (3, 13) and not hasattr(http.HTTPStatus, name):
            assert alias, f"{number}: {name} is new in 3.13 and needs its older alias"
        assert getattr(http.HTTPStatus, present) == number, number
    ours = set(content().codes)
    assert {s.value for s in http.HTTPStatus if s.value in ours} == set(python.codes)


def test_node_phrases_match_status_codes() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is needed (CI installs Debian's nodejs)"
    out = subprocess.run(
        [node, "-e", "process.stdout.write(JSON.stringify(require('http').STATUS_CODES))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    actual = {int(k): v for k, v in json.loads(out).items() if int(k) in content().codes}
    table = next(f for f in content().frameworks if f.key == "node")
    assert table.codes == actual


JAVA = """
import java.lang.reflect.*;
public class Fields {
  public static void main(String[] a) throws Exception {
    for (Field f : java.net.HttpURLConnection.class.getFields())
      if (f.getName().startsWith("HTTP_") && f.getType() == int.class)
        System.out.println(f.getInt(null) + " " + f.getName());
  }
}
"""


def test_java_constants_match_http_url_connection(tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java, "java is needed (CI installs Debian's default-jdk-headless)"
    source = tmp_path / "Fields.java"
    source.write_text(JAVA)
    out = subprocess.run([java, str(source)], capture_output=True, text=True, check=True).stdout
    names: dict[int, set[str]] = {}
    for line in out.splitlines():
        number, name = line.split()
        names.setdefault(int(number), set()).add(f"HttpURLConnection.{name}")
    table = next(f for f in content().frameworks if f.key == "java")
    ours = set(content().codes)
    assert set(table.codes) == {n for n in names if n in ours}
    for number, constant in table.codes.items():
        assert constant in names[number], number


def test_every_framework_records_its_source_and_version() -> None:
    keys = [f.key for f in content().frameworks]
    assert keys == [
        "python",
        "go",
        "rust",
        "dotnet",
        "node",
        "java",
        "httpcomponents",
        "rails",
        "symfony",
        "angular",
        "spring",
    ]
    for framework in content().frameworks:
        assert framework.source and re.search(r"\d", framework.version), framework.key


def test_constant_tables_list_each_name_once_and_aliases_beside_a_constant() -> None:
    ours = set(content().codes)
    for framework in content().frameworks:
        assert set(framework.codes) <= ours, framework.key
        assert set(framework.aliases) <= set(framework.codes), (
            f"{framework.key}: an alias is shown only beside its code's constant"
        )
        names = list(framework.codes.values()) + list(framework.aliases.values())
        assert len(names) == len(set(names)), framework.key


def test_spring_table_is_pinned_and_matches_the_7_0_enum() -> None:
    spring = next(f for f in content().frameworks if f.key == "spring")
    assert re.fullmatch(r"Spring Framework 7\.0\.\d+", spring.version)
    # Added in 7.0 or deprecated-but-present in 7.0, and removed in 7.0 (issue 11).
    assert (spring.codes.get(421), spring.codes.get(509)) == (
        "HttpStatus.MISDIRECTED_REQUEST",
        "HttpStatus.BANDWIDTH_LIMIT_EXCEEDED",
    )
    assert not {305, 419, 420} & set(spring.codes)


@pytest.mark.parametrize("number", sorted(content().codes))
def test_english_page_is_complete(number: int) -> None:
    code = content().codes[number]
    body = bodies()[("en", str(number))]
    words = len(re.sub(r"<pre>.*?</pre>|<[^>]+>", " ", body.html, flags=re.S).split())
    assert words >= (250 if code.official else 120), f"{number}: {words} words"
    assert re.search(r"^```http$", content().pages[("en", str(number))].body, re.M), f"{number}: no http example"
    if len(code.meanings) == 1:
        required = {"meaning", "when", "handling", "headers", "example"} | ({"causes"} if number >= 400 else set())
        assert required <= set(body.ids), f"{number}: lacks {sorted(required - set(body.ids))}"
    else:
        for meaning in code.meanings:
            assert meaning.id in body.ids or meaning.id == "meaning", number
    assert content().pages[("en", str(number))].meta["summary"].strip()


@pytest.mark.parametrize(("a", "b"), CONFUSED)
def test_confused_codes_have_an_x_or_y_note(a: int, b: int) -> None:
    assert f"vs-{b}" in bodies()[("en", str(a))].ids or f"vs-{a}" in bodies()[("en", str(b))].ids


def test_every_page_exists_and_is_current_in_every_language() -> None:
    config = load_config(ROOT)
    states = translation_states(config, content())
    stale = sorted(
        f"{lang}/{key}: {state}" for (lang, key), state in states.items() if lang != "en" and state != CURRENT
    )
    assert stale == []


def test_translated_phrases_exist_for_every_meaning() -> None:
    for (lang, key), page in content().pages.items():
        if lang != "en" and key.isdigit():
            others = {m.id for m in content().codes[int(key)].meanings[1:]}
            assert set(page.meta.get("phrases", {})) == others, f"{lang}/{key}"


@pytest.mark.parametrize("locale", ["zh_Hans", "ru"])
def test_catalogs_are_complete_without_fuzzy_entries(locale: str) -> None:
    with (ROOT / "locales/messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (ROOT / f"locales/{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    cover = coverage(catalog, template)
    assert cover.translated == cover.total > 0


def test_catalog_template_is_up_to_date() -> None:
    from generator.i18n import extract_catalog

    with (ROOT / "locales/messages.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert {m.id for m in extract_catalog(ROOT) if m.id} == committed
