"""Incremental rebuilds (the dev server) give exactly the site a full build gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import stamp_all

from generator.build import build_site
from generator.incremental import Session

EDITS: dict[str, Callable[[Path], list[str]]] = {}


def edit(name: str) -> Callable[[Callable[[Path], list[str]]], Callable[[Path], list[str]]]:
    def register(function: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        EDITS[name] = function
        return function
    return register


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@edit("english prose (translations become outdated)")
def _(root: Path) -> list[str]:
    _append(root / "content/en/404.md", "\nOne more sentence.\n")
    return ["content/en/404.md"]


@edit("a translation's phrase and summary")
def _(root: Path) -> list[str]:
    page = root / "content/ru/404.md"
    page.write_text(page.read_text(encoding="utf-8").replace("summary = \"", "summary = \"Кратко: "), encoding="utf-8")
    return ["content/ru/404.md"]


@edit("a new cross-link (back-links move)")
def _(root: Path) -> list[str]:
    _append(root / "content/en/410.md", "\nSee also [[499]].\n")
    return ["content/en/410.md"]


@edit("related codes in the facts")
def _(root: Path) -> list[str]:
    facts = root / "content/codes/499.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("related = [", "related = [410, ", 1), encoding="utf-8")
    return ["content/codes/499.toml"]


@edit("a translation deleted (falls back to English)")
def _(root: Path) -> list[str]:
    (root / "content/zh/404.md").unlink()
    return ["content/zh/404.md"]


@edit("a template")
def _(root: Path) -> list[str]:
    template = root / "templates/code.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</article>", "<p>Edited.</p>\n</article>"), encoding="utf-8")
    return ["templates/code.html"]


@edit("a catalog")
def _(root: Path) -> list[str]:
    catalog = root / "locales/ru/LC_MESSAGES/messages.po"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "Главная"', 'msgstr "Домой"'), encoding="utf-8")
    return ["locales/ru/LC_MESSAGES/messages.po"]


@pytest.mark.parametrize("name", list(EDITS))
def test_an_incremental_rebuild_equals_a_full_build(make_project: Callable[..., Path], tmp_path: Path, name: str) -> None:
    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    session = Session(root, tmp_path / "out")
    session.full()
    before = dict(session.built.files)
    paths = EDITS[name](root)
    update = session.update({root / p for p in paths})
    full = build_site(root, search=False).files
    assert session.built.files.keys() == full.keys()
    assert [n for n in full if session.built.files[n] != full[n]] == []
    assert update.changed and set(update.changed) == {n for n in full if before.get(n) != full[n]} | (before.keys() - full.keys())
    on_disk = {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert {n: d for n, d in on_disk.items() if n in full} == dict(full)


def test_edits_one_after_another_keep_equal_to_a_full_build(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    session = Session(root, tmp_path / "out")
    session.full()
    for name, change in EDITS.items():
        session.update({root / p for p in change(root)})
        assert session.built.files == build_site(root, search=False).files, name
    stamp_all(root)
    session.update({root / "content" / lang / "404.md" for lang in ("zh", "ru") if (root / "content" / lang / "404.md").exists()})
    assert session.built.files == build_site(root, search=False).files
