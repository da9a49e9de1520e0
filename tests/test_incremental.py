"""The dev server's rebuilds (one pipeline with caches kept between edits) give exactly the site a
full build gives, after every kind of edit, one after another, with the output on disk equal too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import stamp_all

from generator.build import Caches, build_site
from generator.errors import InputError
from generator.serve import Session
from generator.write import MANIFEST, Memory, read_manifest

NEW_CODE = 'code = 418\nrelated = [404]\ncacheable = false\nbody = true\n\n[[meaning]]\nphrase = "I\'m a teapot"\nstatus = "unused"\nspec = "RFC 9110"\nsection = "15.5.5"\n'

# name: (file, text to replace or None to append, new text or None to delete the file)
EDITS: dict[str, tuple[str, str | None, str | None]] = {
    "english prose (translations become outdated)": ("content/en/404.md", None, "\nOne more sentence.\n"),
    "a translation's phrase and summary": ("content/ru/404.md", 'summary = "', 'summary = "Кратко: '),
    "a new cross-link (back-links move)": ("content/en/410.md", None, "\nSee also [[499]].\n"),
    "related codes in the facts": ("content/codes/499.toml", "related = [404]", "related = []"),
    "a translation deleted (falls back to English)": ("content/zh/404.md", "", None),
    "a template": ("templates/code.html", "</article>", "<p>Edited.</p>\n</article>"),
    "a catalog": ("locales/ru/LC_MESSAGES/messages.po", 'msgstr "Главная"', 'msgstr "Домой"'),
    "a code added (facts)": ("content/codes/418.toml", "", NEW_CODE),
    "a code added (page)": (
        "content/en/418.md",
        "",
        '+++\nsummary = "Short and stout."\n+++\n## What it means {#meaning}\n\nA joke; see [[404]].\n',
    ),
    "a code removed (page)": ("content/en/410.md", "", None),
    "a code removed (facts, and the link to it)": ("content/codes/410.toml", "", None),
    "the settings": ("site.toml", 'og = "ru_RU"', 'og = "ru_UA"'),
}


def apply(root: Path, name: str) -> None:
    """Make one edit."""
    relative, old, new = EDITS[name]
    path = root / relative
    if new is None:
        path.unlink()
        return
    if old == "":
        assert not path.exists(), f"{name}: the fixture changed"
        path.write_text(new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert old is None or old in text, f"{name}: the fixture changed"
    path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")


def on_disk(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}


def project(make_project: Callable[..., Path]) -> Path:
    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    for lang in ("zh", "ru", "en"):  # the removed code's cross-links go too, so the site stays valid
        for page in (root / "content" / lang).glob("*.md"):
            page.write_text(
                page.read_text(encoding="utf-8").replace("[[410#meaning]]", "[[404]]").replace("[[410]]", "[[404]]"),
                encoding="utf-8",
            )
    facts = root / "content" / "codes" / "404.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("related = [410]", "related = []"), encoding="utf-8")
    stamp_all(root)
    return root


# One change as a contributor makes it: a code is added or removed with its facts and its page.
CHANGES = {name: [name] for name in EDITS if "(facts" not in name and "(page)" not in name}
CHANGES["a code added"] = ["a code added (facts)", "a code added (page)"]
CHANGES["a code removed"] = ["a code removed (page)", "a code removed (facts, and the link to it)"]


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_rebuild_after_one_change_equals_a_full_build(
    make_project: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    root = project(make_project)
    out = tmp_path / "out"
    session = Session(root, out)
    session.rebuild()
    before = dict(session.files)
    for edit in CHANGES[name]:
        apply(root, edit)
    changed = session.rebuild()
    full = build_site(root, search=False).files
    assert dict(session.files) == dict(full)
    assert set(changed) == {n for n in full if before.get(n) != full[n]} | (before.keys() - full.keys())
    assert changed
    assert on_disk(out) == dict(full)
    assert set(read_manifest(out) or {}) == set(full)


def test_an_invalid_edit_keeps_the_last_good_site(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = project(make_project)
    session = Session(root, tmp_path / "out")
    session.rebuild()
    before = dict(session.files)
    apply(root, "a code added (facts)")  # a code without its English page is refused
    with pytest.raises(InputError, match="has no page content/en/418.md"):
        session.rebuild()
    assert dict(session.files) == before and on_disk(tmp_path / "out") == before
    apply(root, "a code added (page)")
    session.rebuild()
    assert dict(session.files) == dict(build_site(root, search=False).files)


def test_edits_one_after_another_keep_equal_to_a_full_build(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = project(make_project)
    session = Session(root, tmp_path / "out")
    session.rebuild()
    for name in EDITS:
        apply(root, name)
        try:
            session.rebuild()
        except InputError:
            assert name in ("a code added (facts)", "a code removed (page)"), name  # valid again after the next edit
            continue
        assert dict(session.files) == dict(build_site(root, search=False).files), name
        assert on_disk(tmp_path / "out") == dict(session.files), name
    stamp_all(root)
    session.rebuild()
    assert dict(session.files) == dict(build_site(root, search=False).files)


def edit_chinese_404(root: Path) -> None:
    """Change words of the zh 404 page only (its search bundle goes stale)."""
    zh_404 = root / "content" / "zh" / "404.md"
    zh_404.write_text(zh_404.read_text(encoding="utf-8").replace("这里什么都没有。", "斑马独角兽。"), encoding="utf-8")


def test_refreshed_search_bundles_equal_a_full_builds(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    session = Session(root, tmp_path / "out")
    session.rebuild(search=True)
    edit_chinese_404(root)
    session.rebuild()
    assert session.search_stale == {"zh"}  # only zh pages changed
    job = session.search_job()
    assert job is not None and [lang.code for lang in job[0]] == ["zh"]
    from generator.search import search_bundles

    languages, pages = job
    assert session.apply_search(languages, search_bundles(pages.digests, languages, None, files=pages))
    full = build_site(root)
    assert dict(session.files) == dict(full.files)
    assert on_disk(tmp_path / "out") == dict(full.files)


def test_a_rebuild_that_fails_unexpectedly_never_stops_the_next(
    make_project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import serve

    root = project(make_project)
    session = Session(root, tmp_path / "out")
    session.rebuild()
    reports: list[list[str]] = []
    watcher = serve.Watcher(session, reports.append)
    real = serve.build_site
    monkeypatch.setattr(serve, "build_site", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk on fire")))
    watcher.rebuild()
    assert reports == [["internal error: RuntimeError: disk on fire (please report it)"]]
    monkeypatch.setattr(serve, "build_site", real)
    apply(root, "english prose (translations become outdated)")
    watcher.rebuild()
    assert reports[-1] == []
    assert b"One more sentence." in session.files["404/index.html"]


def test_a_rebuild_parses_only_the_files_whose_text_changed(make_project: Callable[..., Path]) -> None:
    """The dev server keeps parsed pages and facts between rebuilds: an unchanged file is not parsed
    again, an edited one is, and facts are checked again when the specifications they cite change."""
    root = project(make_project)
    caches = Caches()
    first = build_site(root, caches=caches, search=False).content
    again = build_site(root, caches=caches, search=False).content
    assert all(again.pages[where] is page for where, page in first.pages.items())
    assert all(again.codes[number] is code for number, code in first.codes.items())
    apply(root, "english prose (translations become outdated)")
    edited = build_site(root, caches=caches, search=False).content
    assert edited.pages[("en", "404")] is not first.pages[("en", "404")]
    assert "One more sentence." in edited.pages[("en", "404")].body
    assert edited.pages[("en", "499")] is first.pages[("en", "499")]
    specs = root / "content" / "specs.toml"
    specs.write_text(specs.read_text(encoding="utf-8").replace('"15.5.5" = "404 Not Found"\n', ""), encoding="utf-8")
    with pytest.raises(InputError, match=r"content/codes/404\.toml:\d+: section '15\.5\.5' of RFC 9110 is not in"):
        build_site(root, caches=caches, search=False)


@pytest.mark.parametrize("pause", [60.0, 0.05])
def test_the_search_index_is_refreshed_once_rebuilds_pause(
    make_project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pause: float
) -> None:
    """Pagefind waits until no rebuild has asked for it for SEARCH_PAUSE_SECONDS, so that saves in
    quick succession are not slowed by it (only 'not before' is timed, which no load can break)."""
    import threading

    from generator import serve

    monkeypatch.setattr(serve, "SEARCH_PAUSE_SECONDS", pause)
    root = make_project()
    session = Session(root, tmp_path / "out")
    session.rebuild(search=True)
    edit_chinese_404(root)
    session.rebuild()
    before = session.files
    refresher = serve.SearchRefresher(session, threading.Lock())
    refresher.start()
    try:
        refresher.wanted.set()
        if pause > 1:
            threading.Event().wait(1.0)
            assert session.search_stale == {"zh"}, "the index was refreshed before rebuilds paused"
            assert session.files is before
        else:
            for _ in range(18000):  # up to 180 s on a busy machine
                if session.files is not before:  # apply_search put the new bundle in place
                    break
                threading.Event().wait(0.01)
            assert dict(session.files) == dict(build_site(root).files)
    finally:
        refresher.stop()
        refresher.join(60)
    assert not refresher.is_alive()


def test_the_first_edit_after_start_renders_only_the_pages_it_changes(
    make_project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page keys depend on the views' values only: a view built partly from objects kept from the
    build before (parsed pages, rendered bodies) has the same key as before, so the first edit
    after the dev server starts renders what it changed, not the whole site again."""
    from generator import pages

    root = project(make_project)
    session = Session(root, tmp_path / "out")
    session.files = Memory()
    session.rebuild(search=True)  # as `serve` starts
    rendered: list[str] = []
    real = pages.render_views

    def counting(views, renderers, where):  # noqa: ANN001, ANN202 - the real function, counted
        views = list(views)
        rendered.extend(view.output for view in views)
        return real(views, renderers, where)

    monkeypatch.setattr(pages, "render_views", counting)
    before = dict(session.files)
    apply(root, "english prose (translations become outdated)")
    session.rebuild()
    changed_pages = {n for n, data in session.files.items() if n.endswith(".html") and before.get(n) != data}
    assert "404/index.html" in changed_pages
    assert sorted(rendered) == sorted(changed_pages)
