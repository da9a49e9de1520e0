"""The caches and the tricks that earn their place change nothing a reader sees, and every cache
key covers everything its result depends on."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from babel.support import Translations
from sitekit import text_page

from generator.build import build_site
from generator.render import _FoldGettext, new_environment
from generator.routes import Routes

ROOT = Path(__file__).resolve().parent.parent


class _Catalog(Translations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._catalog = dict(messages)


@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Home") }}',
        '<a title="{{ _("Home") }}">{{ _("Home") }}</a>',
        '{{ _("%(n)s of %(total)s", n=value, total=2) }}',
        "{% trans date=value %}Updated {{ date }}.{% endtrans %}",
        '{{ _("100%% sure") }}',
        '{{ _("Untranslated") }}',
        "{{ _(value) }}",
    ],
)
@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "plain", 3])
def test_gettext_folded_at_compile_time_renders_as_gettext_at_run_time(
    tmp_path: Path, source: str, value: object
) -> None:
    catalog = _Catalog(
        {
            "Home": 'Главная <script>x</script> & "q"',
            "%(n)s of %(total)s": "%(n)s из %(total)s <b>",
            "Updated %(date)s.": "Обновлено %(date)s.",
            "100%% sure": "на 100%% <i>",
            "plain": "просто",
        }
    )
    (tmp_path / "templates").mkdir()
    folded = new_environment(tmp_path, Routes("/"), catalog, "ru")
    runtime = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    runtime.install_gettext_translations(catalog, newstyle=True)  # marks translations safe...
    runtime.globals["_"] = runtime.globals["gettext"] = lambda s, **kw: (
        jinja2.utils.markupsafe.Markup(jinja2.utils.markupsafe.escape(catalog.gettext(s))) % kw
    )  # ...so escape them, as the generator does
    from generator.render import _TRANSLATIONS

    token = _TRANSLATIONS.set(catalog)
    try:
        got = folded.from_string(source).render(value=value)
    finally:
        _TRANSLATIONS.reset(token)
    assert got == runtime.from_string(source).render(value=value)
    assert "<script>" not in got


def test_folding_leaves_no_gettext_call_for_constant_strings(tmp_path: Path) -> None:
    template = new_environment(tmp_path, Routes("/"), _Catalog({"Home": "Главная"}), "ru").parse(
        '{{ _("Home") }} {{ _(x) }}'
    )
    folded = _FoldGettext(_Catalog({"Home": "Главная"})).visit(template)
    calls = [node for node in folded.find_all(jinja2.nodes.Call) if getattr(node.node, "name", "") in ("_", "gettext")]
    assert len(calls) == 1  # only the call with a variable is left


def test_codes_json_written_piece_by_piece_is_the_whole_structure_encoded_at_once(make_project) -> None:  # noqa: ANN001
    import json

    from generator.render import _json

    files = build_site(make_project(), search=False).files
    for prefix, tag in (("", "en"), ("zh/", "zh-Hans"), ("ru/", "ru")):
        codes = [json.loads(files[f"{prefix}{n}.json"]) for n in (404, 410, 499)]
        assert files[f"{prefix}codes.json"] == _json({"language": tag, "codes": codes})


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "name",
    [
        "english prose (translations become outdated)",
        "a new cross-link (back-links move)",
        "related codes in the facts",
        "a translation deleted (falls back to English)",
        "a template",
        "a catalog",
    ],
)
def test_a_rebuild_from_the_page_cache_equals_a_build_without_cache(make_project, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    from test_incremental import apply

    from generator.build import build_and_write

    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=2)
    assert (root / ".cache/pages.pickle").is_file()
    for _ in range(2):  # the second time, the spare tree (the site before last) is brought up to date
        apply(root, name) if not _ else (root / "content/en/home.md").write_text(
            text_page("Home", "Edited again."), encoding="utf-8"
        )
        build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=2)
        build_and_write(root, tmp_path / "reference", cache_dir=None, jobs=1)
        assert _tree(root / "_site") == _tree(tmp_path / "reference")


def test_the_page_cache_renders_only_what_changed_and_never_trusts_an_edited_output(
    make_project, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    from generator import pages
    from generator.build import build_and_write

    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=1)
    good = (root / "_site/410/index.html").read_bytes()
    rendered: list[str] = []
    real = pages.render_views
    monkeypatch.setattr(
        pages, "render_views", lambda views, *rest: [rendered.append(v.output) or real([v], *rest)[0] for v in views]
    )
    page = root / "content/ru/404.md"
    page.write_text(page.read_text(encoding="utf-8").replace('summary = "', 'summary = "Сводка: ', 1), encoding="utf-8")
    (root / "_site/410/index.html").write_bytes(good + b"<!-- edited in place -->")
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=1)
    assert (root / "_site/410/index.html").read_bytes() == good  # rendered again, not linked
    assert "ru/404/index.html" in rendered and "410/index.html" in rendered
    assert "zh/404/index.html" not in rendered and "404/index.html" not in rendered and "zh/index.html" not in rendered
    assert len(rendered) < 12  # of 18 pages: the edited one, pages that show its summary, the edited output


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages rendered from here on (not taken from the page cache)."""
    from generator import pages

    rendered: list[str] = []
    real = pages.render_views
    monkeypatch.setattr(
        pages, "render_views", lambda views, *rest: [rendered.append(v.output) or real([v], *rest)[0] for v in views]
    )
    return rendered


@pytest.mark.parametrize(
    "change",
    ["a dependency's version", "the generator's code", "base_url", "a language's setting", "a template", "a catalog"],
)
def test_every_cache_misses_when_anything_it_depends_on_changes(
    make_project, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:  # noqa: ANN001
    import generator
    from generator import bodies
    from generator.build import build_and_write

    root = make_project()
    build_and_write(root, root / "_site", cache_dir=root / ".cache")
    searched = {p.name for p in (root / ".cache" / "search").iterdir()}
    rendered = _counting(monkeypatch)
    built, _ = build_and_write(root, root / "_site", cache_dir=root / ".cache")
    assert rendered == []  # nothing changed: every page from the cache
    hits = bodies.BodyCache(root / ".cache" / "bodies.pickle").entries
    assert hits
    if change == "a dependency's version":
        monkeypatch.setattr(generator, "dependency_versions", lambda: {"markdown": "99.0"})
        generator.code_digest.cache_clear()
    elif change == "the generator's code":
        real = Path.read_bytes
        monkeypatch.setattr(
            Path,
            "read_bytes",
            lambda self: (
                real(self) + (b"# edited" if self.name == "site.py" and self.parent.name == "generator" else b"")
            ),
        )
        generator.code_digest.cache_clear()
    elif change == "base_url":
        site = root / "site.toml"
        site.write_text(site.read_text().replace('base_url = "/"', 'base_url = "/docs/"'))
    elif change == "a language's setting":
        site = root / "site.toml"
        site.write_text(site.read_text().replace('og = "ru_RU"', 'og = "ru_UA"'))
    elif change == "a template":
        base = root / "templates" / "base.html"
        base.write_text(base.read_text().replace("</body>", "<!-- edited --></body>"))
    else:
        po = root / "locales/ru/LC_MESSAGES/messages.po"
        po.write_text(po.read_text().replace('msgstr "Главная"', 'msgstr "Домой"'))
    try:
        build_and_write(root, root / "_site", cache_dir=root / ".cache")
        if change == "a catalog":
            assert {n.split("/")[0] for n in rendered} == {"ru"}
        else:
            assert len(rendered) == len(built.content.page_keys) * len(built.config.languages)  # every page
        if change in ("a dependency's version", "the generator's code"):
            assert (
                bodies.BodyCache(root / ".cache" / "bodies.pickle").entries.keys().isdisjoint(hits)
            )  # Markdown rendered again
            assert searched.isdisjoint(p.name for p in (root / ".cache" / "search").iterdir())  # and indexed again
    finally:
        generator.code_digest.cache_clear()


def test_the_no_change_check_misses_after_a_dependency_upgrade(
    make_project, monkeypatch: pytest.MonkeyPatch, cli
) -> None:  # noqa: ANN001
    import generator

    root = make_project()
    assert cli("--root", str(root), "build")[0] == 0
    assert "Up to date" in cli("--root", str(root), "build")[1]
    monkeypatch.setattr(generator, "dependency_versions", lambda: {"babel": "99.0"})
    generator.code_digest.cache_clear()
    try:
        code, out, _ = cli("--root", str(root), "build")
        assert code == 0 and "Up to date" not in out and "Built" in out
    finally:
        generator.code_digest.cache_clear()
