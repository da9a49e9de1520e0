"""How real clients treat each code (content/clients.json, issue #12): the data covers every code
and client, bad data is refused with its line, the pages and the JSON show it in every language,
and the measurements still hold (the harness runs every client again)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from generator.build import Built, build_site
from generator.clients import load_clients, parse_clients
from generator.errors import InputError
from tools.clients.__main__ import DATA, differences
from tools.clients.harness import CLIENTS, dump, run
from tools.clients.plan import measured_codes

ROOT = Path(__file__).resolve().parent.parent


@cache
def site() -> Built:
    return build_site(ROOT, search=False)


def recorded() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_data_covers_every_code_client_and_probe() -> None:
    data = recorded()
    assert [c["key"] for c in data["clients"]] == [c.key for c in CLIENTS]
    assert all(c["version"] for c in data["clients"])
    assert [int(code) for code in data["codes"]] == measured_codes()
    for code in measured_codes():
        for client in CLIENTS:
            for probe in client.plan(code):
                assert client.key in data["codes"][str(code)][probe.name], (code, probe.name, client.key)


def test_the_file_is_as_the_harness_writes_it() -> None:
    """One observation a line, in the harness's order: an update's diff shows only what changed."""
    assert dump(recorded()) == DATA.read_text(encoding="utf-8")
    assert parse_clients(DATA.read_text(encoding="utf-8"), path="content/clients.json").table(301) is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace('"curl": {"status": 301}', '"curl": {"stauts": 301}', 1),
            "301 get curl: unknown field 'stauts' (did you mean 'status'?)",
        ),
        (
            lambda t: t.replace('"curl-L": {"status": 404}', '"curl-X": {"status": 404}', 1),
            "404 get: client 'curl-X' is not in 'clients'",
        ),
        (
            lambda t: t.replace('"httpx": {"status": 503}', '"httpx": {"status": "503"}', 1),
            "503 get httpx: 'status' must be int",
        ),
        (
            lambda t: t.replace('"java": {"status": 410}', '"java": {}', 1),
            "410 get java: needs either 'status' or 'error'",
        ),
        (
            lambda t: t.replace('"noloc": {', '"nolocation": {', 1),
            "300: unknown probe 'nolocation' (did you mean 'noloc'?)",
        ),
        # (the JSON parser's own words differ between Python versions; the line is what matters)
        (lambda t: t.replace('"status": 418}', '"status": 418,}', 1), "invalid JSON: "),
    ],
)
def test_bad_data_is_refused_with_its_line(change, message) -> None:  # noqa: ANN001
    text = DATA.read_text(encoding="utf-8")
    bad = change(text)
    assert bad != text
    with pytest.raises(InputError) as raised:
        parse_clients(bad, path="content/clients.json")
    [problem] = raised.value.problems
    assert problem.path == "content/clients.json" and problem.message.startswith(message)
    changed = next(i for i, (a, b) in enumerate(zip(text.splitlines(), bad.splitlines(), strict=False)) if a != b) + 1
    assert problem.line == changed


def test_a_broken_file_stops_the_build(tmp_path: Path, make_project) -> None:  # noqa: ANN001
    root = make_project(
        {"content/clients.json": '{"clients": [], "codes": {"404": {"get": {"curl": {"status": 404}}}}}\n'}
    )
    with pytest.raises(InputError) as raised:
        build_site(root, search=False)
    assert "content/clients.json:1: 404 get: client 'curl' is not in 'clients'" in str(raised.value)


@pytest.mark.parametrize(
    ("path", "heading", "note", "legend"),
    [
        (
            "301/index.html",
            "How clients handle it",
            'Without Location: <span lang="en">urllib.<wbr>request</span>: <code>HTTP<wbr>Error</code>; every other client: <strong>301</strong>.',
            "“Chromium” is a navigation in a tab",
        ),
        (
            "zh/301/index.html",
            "客户端如何处理",
            '不带 Location 时： <span lang="en">urllib.<wbr>request</span>: <code>HTTP<wbr>Error</code>; 其他客户端： <strong>301</strong>.',
            "“Chromium”指在标签页中导航",
        ),
        (
            "ru/301/index.html",
            "Как его обрабатывают клиенты",
            'Без Location: <span lang="en">urllib.<wbr>request</span>: <code>HTTP<wbr>Error</code>; остальные клиенты: <strong>301</strong>.',
            "«Chromium» — переход во вкладке",
        ),
    ],
)
def test_the_code_page_shows_the_table(path: str, heading: str, note: str, legend: str) -> None:
    html = site().files[path].decode()
    section = html[html.index('<section class="clients"') :]
    section = section[: section.index("</section>")]
    assert f'<h2 id="clients">{heading}</h2>' in section
    assert '<th scope="col">GET</th><th scope="col">POST</th></tr>' in section
    assert note in section  # what almost every client did without Location is a sentence, not a column
    rows = section.split("<tr>")[2:]
    assert len(rows) == len(CLIENTS)
    assert legend in section
    assert (
        '<th scope="row"><span lang="en">Chromium</span></th>' in rows[8]
        and '<th scope="row"><span lang="en">Chromium fetch()</span></th>' in rows[9]
    )
    # curl without -L returns the 301; urllib3 resends a POST with its body (measured)
    assert "<td><strong>301</strong></td>" in rows[0]
    assert rows[4].split("<td>")[2].startswith("→ POST<br>")
    for product, version in load_clients(ROOT).products():
        assert f"{product} {version}" in section


def test_every_measured_page_has_the_table_and_its_json_twin_the_data() -> None:
    files = site().files
    data = load_clients(ROOT)
    assert data is not None
    for code in site().content.codes:
        for prefix in ("", "zh/", "ru/"):
            assert '<section class="clients"' in files[f"{prefix}{code}/index.html"].decode(), (prefix, code)
            twin = json.loads(files[f"{prefix}{code}.json"])["clients"]
            assert twin == json.loads(json.dumps(data.data(code))), (prefix, code)
    assert json.loads(files["ru/503.json"])["clients"]["probes"]["retry"]["urllib3"] == {
        "requests": 4,
        "status": 503,
        "waited": True,
    }


def test_the_home_page_names_the_versions() -> None:
    html = site().files["index.html"].decode()
    note = html[html.index('class="measured"') :].split("</p>")[0]
    for product, version in load_clients(ROOT).products():
        assert f"{product} {version}" in note


def test_the_readme_names_the_measured_versions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Client behaviour") :].split("\n## ")[0]
    for product, version in load_clients(ROOT).products():
        assert version in section and product.split(".")[0] in section, (product, version)


@pytest.mark.browser
def test_the_measurements_still_hold() -> None:
    """Every client again, against a fresh server: any behaviour or version that differs from the
    file fails (a new client version is a reviewed data change: python -m tools.clients --update)."""
    assert differences(recorded(), run()) == []
