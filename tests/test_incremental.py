"""Incremental rebuilds (the dev server) give exactly the site a full build gives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import stamp_all

from generator.build import build_site
from generator.incremental import Session

# name: (file, text to replace or None to append, new text or None to delete the file)
EDITS: dict[str, tuple[str, str | None, str | None]] = {
    "english prose (translations become outdated)": ("content/en/404.md", None, "\nOne more sentence.\n"),
    "a translation's phrase and summary": ("content/ru/404.md", 'summary = "', 'summary = "Кратко: '),
    "a new cross-link (back-links move)": ("content/en/410.md", None, "\nSee also [[499]].\n"),
    "related codes in the facts": ("content/codes/499.toml", "related = [", "related = [410, "),
    "a translation deleted (falls back to English)": ("content/zh/404.md", "", None),
    "a template": ("templates/code.html", "</article>", "<p>Edited.</p>\n</article>"),
    "a catalog": ("locales/ru/LC_MESSAGES/messages.po", 'msgstr "Главная"', 'msgstr "Домой"'),
}


def apply(root: Path, name: str) -> set[Path]:
    """Make one edit; the paths it touched."""
    relative, old, new = EDITS[name]
    path = root / relative
    if new is None:
        path.unlink()
        return {path}
    text = path.read_text(encoding="utf-8")
    assert old is None or old in text, f"{name}: the fixture changed"
    path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")
    return {path}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_incremental_rebuild_equals_a_full_build(make_project: Callable[..., Path], tmp_path: Path, name: str) -> None:
    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    session = Session(root, tmp_path / "out")
    session.full()
    before = dict(session.built.files)
    update = session.update(apply(root, name))
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
    for name in EDITS:
        session.update(apply(root, name))
        assert session.built.files == build_site(root, search=False).files, name
    stamp_all(root)
    session.update({root / "content" / lang / "404.md" for lang in ("zh", "ru") if (root / "content" / lang / "404.md").exists()})
    assert session.built.files == build_site(root, search=False).files


def test_refreshed_search_bundles_equal_a_full_builds_and_a_void_job_changes_nothing(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    session = Session(root, tmp_path / "out")
    session.full()
    zh_404 = root / "content" / "zh" / "404.md"
    zh_404.write_text(zh_404.read_text(encoding="utf-8").replace("这里什么都没有。", "斑马独角兽。"), encoding="utf-8")
    session.update({zh_404})
    assert session.search_stale == {"zh"}  # only zh pages changed
    assert session.refresh_search()
    full = build_site(root, cache_dir=tmp_path / "cache")
    assert {n: d for n, d in session.built.files.items() if "pagefind/" in n} == {n: d for n, d in full.files.items() if "pagefind/" in n}
    zh_404.write_text(zh_404.read_text(encoding="utf-8").replace("斑马独角兽。", "另一个。"), encoding="utf-8")
    session.update({zh_404})
    languages, pages, generation = session.search_job()
    session.full()  # replaces the site (and its bundles) while the job runs
    before = dict(session.built.files)
    assert session.apply_search(languages, {"zh/pagefind/pagefind-entry.json": b"stale"}, generation) == []
    assert session.built.files == before
