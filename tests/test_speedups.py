"""The speed-ups change nothing a reader sees: each is checked against the plain way."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from babel.support import Translations
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import build_site
from generator.config import load_config
from generator.content import load_content
from generator.markup import new_markdown, render_markdown
from generator.render import _FoldGettext, new_environment
from generator.routes import Routes

ROOT = Path(__file__).resolve().parent.parent
FAST, PLAIN = new_markdown(), new_markdown(fast=False)


def test_fast_markdown_renders_every_real_page_exactly_as_python_markdown() -> None:
    content = load_content(load_config(ROOT))
    assert len(content.pages) > 280
    for where, page in content.pages.items():
        assert render_markdown(page.body, FAST) == render_markdown(page.body, PLAIN), where


inline = st.sampled_from([
    "`", "``", "\\", "\\`", "[", "]", "[[404]]", "[[404#when|x]]", "[a](https://e.org)", "![i](x.png)", "[r]", "[r]: /x\n",
    "<https://e.org>", "<a@b.org>", "  \n", "&amp;", "&#60;", "&x", "*", "**", "_", "__", "*a*", "_a_", "<b>", "!", "\n",
    "\n\n", "- ", "1. ", "> ", ">", "#", "## H {#h}\n", "---\n", "* * *\n", "___", "]:", "[x]: <y> 't'\n", "Setext\n===\n", "    code\n", "```\nx\n```\n", "|a|b|\n|-|-|\n|1|2|\n", "|", "a | b\n- | -\n", "|x|\n|-|\n", "word", " ", "限流",
])


@given(st.lists(st.one_of(inline, st.text(max_size=6)), max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_fast_markdown_equals_python_markdown_on_generated_text(text: str) -> None:
    assert render_markdown(text, FAST) == render_markdown(text, PLAIN)


class _Catalog(Translations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self._catalog = dict(messages)


@pytest.mark.parametrize("source", [
    '{{ _("Home") }}',
    '<a title="{{ _("Home") }}">{{ _("Home") }}</a>',
    '{{ _("%(n)s of %(total)s", n=value, total=2) }}',
    '{% trans date=value %}Updated {{ date }}.{% endtrans %}',
    '{{ _("100%% sure") }}',
    '{{ _("Untranslated") }}',
    '{{ _(value) }}',
])
@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "plain", 3])
def test_gettext_folded_at_compile_time_renders_as_gettext_at_run_time(tmp_path: Path, source: str, value: object) -> None:
    catalog = _Catalog({
        "Home": "Главная <script>x</script> & \"q\"",
        "%(n)s of %(total)s": "%(n)s из %(total)s <b>",
        "Updated %(date)s.": "Обновлено %(date)s.",
        "100%% sure": "на 100%% <i>",
        "plain": "просто",
    })
    (tmp_path / "templates").mkdir()
    folded = new_environment(tmp_path, Routes("/"), catalog, "ru")
    runtime = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    runtime.install_gettext_translations(catalog, newstyle=True)  # marks translations safe...
    runtime.globals["_"] = runtime.globals["gettext"] = lambda s, **kw: jinja2.utils.markupsafe.Markup(
        jinja2.utils.markupsafe.escape(catalog.gettext(s))) % kw  # ...so escape them, as the generator does
    from generator.render import _TRANSLATIONS

    token = _TRANSLATIONS.set(catalog)
    try:
        got = folded.from_string(source).render(value=value)
    finally:
        _TRANSLATIONS.reset(token)
    assert got == runtime.from_string(source).render(value=value)
    assert "<script>" not in got


def test_folding_leaves_no_gettext_call_for_constant_strings(tmp_path: Path) -> None:
    template = new_environment(tmp_path, Routes("/"), _Catalog({"Home": "Главная"}), "ru").parse('{{ _("Home") }} {{ _(x) }}')
    folded = _FoldGettext(_Catalog({"Home": "Главная"})).visit(template)
    calls = [node for node in folded.find_all(jinja2.nodes.Call) if getattr(node.node, "name", "") in ("_", "gettext")]
    assert len(calls) == 1  # only the call with a variable is left


def test_parallel_loading_gives_the_same_content_and_site_as_serial(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from generator import content as content_module

    root = make_project()
    serial = load_content(load_config(root), jobs=1)
    serial_site = build_site(root, jobs=1, search=False).files
    monkeypatch.setattr(content_module, "PARALLEL_FILES", 1)  # force workers even for the small fixture
    monkeypatch.setattr(content_module, "PARALLEL_PREPARED", 1)
    assert load_content(load_config(root), jobs=2) == serial
    assert build_site(root, jobs=2, search=False).files == serial_site


@pytest.mark.parametrize("jobs", [1, 2])
def test_markdown_rendered_while_loading_equals_markdown_rendered_afterwards(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    from generator import bodies
    from generator import content as content_module

    monkeypatch.setattr(content_module, "PARALLEL_PREPARED", 1)
    config = load_config(ROOT)
    prepared: dict = {}
    content = load_content(config, jobs=jobs, prepare=bodies.prerender(bodies.BodyCache()), prepared=prepared)
    assert set(prepared) == set(content.pages)  # every body was rendered where it was loaded
    assert all(rendered is not None for _, rendered in prepared.values())
    early = bodies.render_bodies(content, jobs=jobs, prepared=prepared)
    assert early == bodies.render_bodies(load_content(config), jobs=1)


def test_a_cached_body_is_not_rendered_again_while_loading(make_project) -> None:  # noqa: ANN001
    from generator import bodies

    root = make_project()
    cache = bodies.BodyCache()
    first = bodies.render_bodies(load_content(load_config(root)), cache=cache)
    prepared: dict = {}
    content = load_content(load_config(root), prepare=bodies.prerender(cache), prepared=prepared)
    assert prepared and all(rendered is None for _, rendered in prepared.values())
    assert bodies.render_bodies(content, cache=cache, prepared=prepared) == first


_SEEN: list[str] = []


def test_meanwhile_runs_once_in_the_parent_after_the_workers_are_forked() -> None:
    from generator.parallel import run_all

    _SEEN.clear()
    results = list(run_all(lambda i: (i, len(_SEEN)), 4, 2, meanwhile=lambda: _SEEN.append("ran")))
    assert _SEEN == ["ran"]
    assert results == [(0, 0), (1, 0), (2, 0), (3, 0)]  # forked before it ran: the workers never saw it
    _SEEN.clear()
    assert list(run_all(lambda i: (i, len(_SEEN)), 2, 1, meanwhile=lambda: _SEEN.append("ran"))) == [(0, 1), (1, 1)]


@pytest.mark.parametrize("parallel", [False, True])
def test_templates_compiled_meanwhile_and_content_report_their_problems_together(make_project, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:  # noqa: ANN001
    from generator import content as content_module
    from generator.errors import InputError

    if parallel:
        monkeypatch.setattr(content_module, "PARALLEL_PREPARED", 1)
    root = make_project()
    (root / "templates" / "code.html").write_text("{% if %}\n")
    page = root / "content" / "en" / "404.md"
    page.write_text(page.read_text().replace("+++", "+++\nbogus = 1", 1))
    with pytest.raises(InputError) as caught:
        build_site(root, jobs=2, search=False)
    assert [(p.path, p.line) for p in caught.value.problems] == [("content/en/404.md", 2), ("templates/code.html", 1)]


def test_slotted_dataclasses_pickle_quickly_and_faithfully() -> None:
    import dataclasses
    import pickle

    from generator import content, errors, markup, site, slotted

    built = build_site(ROOT, search=False)
    classes = [c for m in (content, errors, markup, site) for c in vars(m).values() if isinstance(c, type) and dataclasses.is_dataclass(c) and "__slots__" in vars(c)]
    assert len(classes) >= 14
    for cls in classes:
        assert cls.__getstate__.__module__ == slotted.__name__, cls  # not dataclasses' own (it calls fields() per object)
    for thing in (built.content, built.linked.index, built.rendered):
        assert pickle.loads(pickle.dumps(thing)) == thing


def test_texts_kept_compressed_or_plain_give_the_same_site(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from generator import textfile

    root = make_project()
    plain = build_site(root, jobs=2, search=False)
    assert isinstance(next(iter(plain.content.pages.values())).packed_body, str)  # a small site: kept as it is
    monkeypatch.setattr(textfile, "COMPRESS_FROM", 1)
    packed = build_site(root, jobs=2, search=False)
    assert isinstance(next(iter(packed.content.pages.values())).packed_body, bytes)
    assert all(isinstance(r.packed, bytes) for r in packed.rendered.values())
    assert packed.files == plain.files


def test_codes_json_written_piece_by_piece_is_the_whole_structure_encoded_at_once(make_project) -> None:  # noqa: ANN001
    import json

    from generator.render import _json

    files = build_site(make_project(), search=False).files
    for prefix, tag in (("", "en"), ("zh/", "zh-Hans"), ("ru/", "ru")):
        codes = [json.loads(files[f"{prefix}{n}.json"]) for n in (404, 410, 499)]
        assert files[f"{prefix}codes.json"] == _json({"language": tag, "codes": codes})


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["english prose (translations become outdated)", "a new cross-link (back-links move)", "related codes in the facts", "a translation deleted (falls back to English)", "a template", "a catalog"])
def test_a_rebuild_from_the_page_cache_equals_a_build_without_cache(make_project, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    from test_incremental import apply

    from generator.build import build_and_write

    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=2)
    assert (root / ".cache/pages.pickle").is_file()
    apply(root, name)
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=2)
    build_and_write(root, tmp_path / "reference", cache_dir=None, jobs=1)
    assert _tree(root / "_site") == _tree(tmp_path / "reference")


def test_the_page_cache_renders_only_what_changed_and_never_trusts_an_edited_output(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from generator import render
    from generator.build import build_and_write

    root = make_project()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text())
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=1)
    good = (root / "_site/410/index.html").read_bytes()
    rendered: list[str] = []
    real = render.render_views
    monkeypatch.setattr(render, "render_views", lambda views, *rest: [rendered.append(v.output) or real([v], *rest)[0] for v in views])
    page = root / "content/ru/404.md"
    page.write_text(page.read_text(encoding="utf-8").replace('summary = "', 'summary = "Сводка: ', 1), encoding="utf-8")
    (root / "_site/410/index.html").write_bytes(good + b"<!-- edited in place -->")
    build_and_write(root, root / "_site", cache_dir=root / ".cache", jobs=1)
    assert (root / "_site/410/index.html").read_bytes() == good  # rendered again, not linked
    assert "ru/404/index.html" in rendered and "410/index.html" in rendered
    assert "zh/404/index.html" not in rendered and "404/index.html" not in rendered and "zh/index.html" not in rendered
    assert len(rendered) < 12  # of 18 pages: the edited one, pages that show its summary, the edited output


def test_a_build_pauses_the_cycle_collector_and_restores_it(make_project, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import gc

    from generator import build
    from generator.errors import InputError

    seen = []
    real = build.load_content
    monkeypatch.setattr(build, "load_content", lambda *a, **k: (seen.append(gc.isenabled()), real(*a, **k))[1])
    root = make_project()
    assert gc.isenabled()
    build_site(root, search=False)
    assert seen == [False] and gc.isenabled()
    (root / "content" / "en" / "404.md").write_text("no front matter\n")
    with pytest.raises(InputError):
        build_site(root, search=False)
    assert gc.isenabled()  # a failed build restores it too
    gc.disable()
    try:
        build_site(make_project(name="other"), search=False)
        assert not gc.isenabled()  # and leaves it off when it was off
    finally:
        gc.enable()
