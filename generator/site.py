"""Linking: from loaded content and rendered bodies to one view per output page, with every
cross-link, back-link, translation state and alternate decided before any template runs."""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .clients import load_clients, versions
from .config import Language, SiteConfig
from .content import CLASSES, Code, Content, Page
from .errors import Problem, line_of_text
from .markup import Rendered, resolve_links
from .routes import Routes

SOURCE, CURRENT, OUTDATED, NEW, MISSING = "source", "current", "outdated", "new", "missing"
TRANSLATED = (CURRENT, OUTDATED, NEW)


def source_hash(page: Page) -> str:
    """The version of a default-language page that translations record (12 hex digits)."""
    return text_hash(page.meta.get("title", ""), page.meta.get("summary", ""), page.body)


def text_hash(title: str, summary: str, body: str) -> str:
    """`source_hash` of a page given as its parts (an old version from the git history)."""
    words = "\n".join([title, summary, body.strip()])
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Badge:
    """One status badge: standard, deprecated, ..., or unofficial with its vendor."""

    status: str
    vendor: str = ""
    expires: str = ""
    expired: bool = False  # a temporary registration whose expiry date is before the build date


@dataclass(frozen=True)
class CodeRef:
    """A code as lists and links show it in one language."""

    code: int
    klass: str
    phrase: str
    local: str
    summary: str
    url: str
    official: bool
    badges: tuple[Badge, ...]

    @property
    def title(self) -> str:
        """'404 Not Found', or '404 Не найдено' in a language with a translated phrase."""
        return f"{self.code} {self.local or self.phrase}"


@dataclass(frozen=True)
class Alternate:
    """The same page in another language."""

    lang: Language
    url: str
    absolute: str
    state: str


@dataclass(frozen=True)
class Library:
    """What a code page shows of a framework in its constants table. (Not the Framework itself:
    the page cache pickles every view, and a Framework carries its whole table of codes.)"""

    label: str
    api: str


@dataclass(frozen=True)
class View:
    """One HTML page to render: its template, language, output file and context."""

    template: str
    lang: Language
    key: str
    output: str
    context: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class Index:
    """Site-wide facts every view draws on, computed once per build from all pages."""

    states: dict[tuple[str, str], str]
    refs: dict[str, dict[int, CodeRef]]
    referenced_by: dict[int, tuple[int, ...]]
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class Linked:
    """The whole site linked: the index every view draws on, and the problems found."""

    index: Index
    problems: tuple[Problem, ...]

    @property
    def refs(self) -> dict[str, dict[int, CodeRef]]:
        """Every code as shown in each language."""
        return self.index.refs

    @property
    def states(self) -> dict[tuple[str, str], str]:
        """Translation state of every (language, page key)."""
        return self.index.states


def translation_states(config: SiteConfig, content: Content) -> dict[tuple[str, str], str]:
    """source / current / outdated / new / missing for every language and page key. A page
    never stamped is new, not outdated: nothing says the English changed since it was written."""
    states = {}
    for key in content.page_keys:
        english = content.page(config.default_language, key)
        current = source_hash(english) if english else ""
        for lang in config.languages:
            page = content.page(lang.code, key)
            if lang.code == config.default_language:
                states[(lang.code, key)] = SOURCE
            elif page is None:
                states[(lang.code, key)] = MISSING
            elif not page.source_hash:
                states[(lang.code, key)] = NEW
            else:
                states[(lang.code, key)] = CURRENT if page.source_hash == current else OUTDATED
    return states


def code_refs(config: SiteConfig, content: Content, routes: Routes) -> dict[str, dict[int, CodeRef]]:
    """Every code as shown in each language."""
    default = config.default_language
    badges: dict[int, tuple[Badge, ...]] = {}
    refs: dict[str, dict[int, CodeRef]] = {}
    for lang in config.languages:
        refs[lang.code] = {}
        for number, code in sorted(content.codes.items()):
            key = str(number)
            page = content.page(lang.code, key) or content.page(default, key)
            assert page is not None  # load_content guarantees the default-language page
            local = page.meta.get("phrase", "") if lang.code != default else ""
            if number not in badges:
                badges[number] = tuple(
                    Badge(m.status, m.vendor, m.expires, config.expired(m.expires)) for m in code.meanings
                )
            refs[lang.code][number] = CodeRef(
                code=number,
                klass=code.klass,
                phrase=code.phrase,
                local=local if local != code.phrase else "",
                summary=page.meta["summary"],
                url=routes.url(lang, key),
                official=code.official,
                badges=badges[number],
            )
    return refs


def check_bodies(
    config: SiteConfig, content: Content, rendered: dict[tuple[str, str], Rendered], states: dict[tuple[str, str], str]
) -> list[Problem]:
    """Markdown problems, links to missing codes or sections, and translations whose structure
    differs from the English page. An outdated translation is compared with nothing: the English
    changed after it was stamped, so differences are expected until it is updated (and `i18n
    stamp` refuses it until they are gone)."""
    problems = []
    for lang, key in sorted(rendered):
        problems += body_problems(config, content, rendered, lang, key, structure=states[(lang, key)] in (CURRENT, NEW))
    return problems


def body_problems(
    config: SiteConfig,
    content: Content,
    rendered: dict[tuple[str, str], Rendered],
    lang: str,
    key: str,
    *,
    structure: bool,
) -> list[Problem]:
    """One page's problems; with `structure`, also where it differs from the English page.
    `rendered` holds this page and every default-language page (link targets)."""
    default = config.default_language
    page = content.pages[(lang, key)]
    body = rendered[(lang, key)]

    def line(needle: str) -> int:
        return line_of_text(page.body, needle, offset=page.body_line - 1)

    problems = [Problem(page.path, line(needle), message) for needle, message in body.problems]
    for link in body.links:
        target = rendered.get((default, str(link.code)))
        if link.code not in content.codes:
            problems.append(Problem(page.path, line(link.source), f"link to code {link.code}, which has no page"))
        elif (
            link.fragment and target is not None and not target.problems and link.fragment not in target.ids
        ):  # a refused target is reported once
            problems.append(
                Problem(
                    page.path, line(link.source), f"link to #{link.fragment}, which is not a section of {link.code}"
                )
            )
    if key.isdigit() and int(key) in content.codes:
        for meaning in content.codes[int(key)].meanings:
            if meaning.id and meaning.id not in body.ids and meaning.id != "meaning":
                problems.append(
                    Problem(
                        page.path,
                        page.body_line,
                        f"no heading with id '{meaning.id}' for the meaning '{meaning.phrase}'",
                    )
                )
    source = rendered.get((default, key))
    if structure and lang != default and source is not None:
        problems += [
            Problem(page.path, line(needle) if needle else page.body_line, m)
            for needle, m in compare_structure(body, source)
        ]
    return problems


def compare_structure(translation: Rendered, source: Rendered) -> list[tuple[str, str]]:
    """How a translation's section ids, cross-links and code blocks differ from the English page:
    (text of the translation to find the line by, or '' for the body's first line; message)."""
    problems: list[tuple[str, str]] = []
    ours, theirs = list(translation.ids), list(source.ids)
    for missing in (i for i in theirs if i not in ours):
        at = theirs.index(missing)
        before = theirs[at - 1] if at else ""
        where = f"after #{before}" if before else "as the first heading"
        problems.append(
            (
                f"{{#{before}}}" if before in ours else "",
                f"section #{missing} of the English page is missing: add its heading with {{#{missing}}} {where}",
            )
        )
    for extra in (i for i in ours if i not in theirs):
        problems.append(
            (f"{{#{extra}}}", f"section #{extra} is not on the English page: headings keep the English page's ids")
        )
    shared = [i for i in ours if i in theirs]
    if shared != [i for i in theirs if i in ours]:
        problems.append(
            ("", "sections are in another order than on the English page: " + ", ".join(f"#{i}" for i in theirs))
        )
    mine = {_link_text(x.code, x.fragment): x.source for x in translation.links}
    english = {_link_text(x.code, x.fragment) for x in source.links}
    for text in sorted(english - set(mine)):
        problems.append(("", f"cross-link {text} of the English page is missing"))
    for text in sorted(set(mine) - english):
        problems.append((mine[text], f"cross-link {text} is not on the English page"))
    for number, (block, model) in enumerate(zip(translation.blocks, source.blocks, strict=False), start=1):
        if block != model:
            first = next((x for x in block.split("\n") if x.strip()), block)
            problems.append((first, f"code block {number} differs from the English page's: copy code blocks verbatim"))
    if len(translation.blocks) != len(source.blocks):
        count = len(source.blocks)
        problems.append(
            (
                "",
                f"the English page has {count} code block{'s' if count != 1 else ''}, this page {len(translation.blocks)}",
            )
        )
    return problems


def _link_text(code: int, fragment: str) -> str:
    """A cross-link as a translator writes it: [[404]] or [[404#vs-410]]."""
    return f"[[{code}#{fragment}]]" if fragment else f"[[{code}]]"


def index_site(
    config: SiteConfig, content: Content, rendered: dict[tuple[str, str], Rendered], routes: Routes
) -> Index:
    """Translation states, code refs and back-links."""
    states = translation_states(config, content)
    refs = code_refs(config, content, routes)
    referenced: dict[int, set[int]] = defaultdict(set)
    linked_from: dict[int, set[int]] = defaultdict(set)
    for (_, key), body in rendered.items():
        if key.isdigit():
            for link in body.links:
                linked_from[int(key)].add(link.code)
    for number, targets in linked_from.items():
        for target in targets:
            if target != number:
                referenced[target].add(number)
    numbers = tuple(sorted(content.codes))
    referenced_by = {n: tuple(sorted(c for c in referenced[n] if c not in content.codes[n].related)) for n in numbers}
    return Index(states=states, refs=refs, referenced_by=referenced_by, numbers=numbers)


def link_site(
    config: SiteConfig, content: Content, rendered: dict[tuple[str, str], Rendered], routes: Routes
) -> Linked:
    """Link the whole site: translation states, back-links, every body's links and structure
    checked. Views are then built page by page with `build_view`."""
    index = index_site(config, content, rendered, routes)
    problems = check_bodies(config, content, rendered, index.states)
    return Linked(index=index, problems=tuple(problems))


def build_view(
    config: SiteConfig,
    content: Content,
    rendered: dict[tuple[str, str], Rendered],
    routes: Routes,
    index: Index,
    lang: Language,
    key: str,
) -> View:
    """The view of one page in one language."""
    default = config.default_language
    own = index.refs[lang.code]
    page = content.page(lang.code, key) or content.page(default, key)
    assert page is not None  # load_content guarantees every default-language page
    state = index.states[(lang.code, key)]
    source = rendered.get((lang.code, key)) or rendered[(default, key)]
    body = resolve_links(
        source.html,
        lambda target, frag: (routes.url(lang, str(target), frag), own[target].title if target in own else str(target)),
    )
    context: dict[str, Any] = {
        "page": page,
        "state": state,
        "body": body,
        "body_lang": config.language(default).tag if state == MISSING else lang.tag,
        "alternates": [
            Alternate(other, routes.url(other, key), routes.absolute(other, key), index.states[(other.code, key)])
            for other in config.languages
        ],
        "source_url": routes.url(config.language(default), key),
        "canonical": routes.absolute(config.language(default) if state == MISSING else lang, key),
        "path": routes.path(lang, key),
    }
    output = routes.output_file(routes.path(lang, key))
    if key == "home":
        context["total"] = len(content.codes)
        context["client_versions"] = versions(config.root)
        context["classes"] = [
            (k, _class_title(content, lang.code, default, k), [r for r in own.values() if r.klass == k])
            for k in CLASSES
        ]
        context["has_warnings"] = bool(content.warn_codes)
        return View("home.html", lang, key, output, context)
    if key in CLASSES:
        position = CLASSES.index(key)
        context.update(
            klass=key,
            title=_class_title(content, lang.code, default, key),
            codes=[r for r in own.values() if r.klass == key],
            previous=CLASSES[position - 1] if position else None,
            next=CLASSES[position + 1] if position + 1 < len(CLASSES) else None,
        )
        return View("class.html", lang, key, output, context)
    if key == "warnings" or key.startswith("warning-"):
        return _warning_view(content, routes, lang, default, key, output, context)
    number = int(key)
    code = content.codes[number]
    position = bisect.bisect_left(index.numbers, number)
    context.update(
        code=code,
        ref=own[number],
        class_title=_class_title(content, lang.code, default, code.klass),
        meanings=_meanings(code, content, lang, default, config),
        sources=code.sources,
        reviewed=code.reviewed,
        related=[own[c] for c in code.related],
        referenced_by=[own[c] for c in index.referenced_by[number]],
        previous=own[index.numbers[position - 1]] if position else None,
        next=own[index.numbers[position + 1]] if position + 1 < len(index.numbers) else None,
        constants=[(Library(f.label, f.api), f.codes.get(number), f.aliases.get(number)) for f in content.frameworks],
        clients=measured.table(number) if (measured := load_clients(config.root)) else None,
    )
    return View("code.html", lang, key, output, context)


@dataclass(frozen=True)
class WarnRef:
    """A warn code of the Warning header as lists and links show it in one language."""

    code: int
    phrase: str
    local: str
    summary: str
    url: str


def _warning_view(
    content: Content, routes: Routes, lang: Language, default: str, key: str, output: str, context: dict[str, Any]
) -> View:
    """The index of the Warning header's warn codes, or one warn code's page."""
    refs = []
    for number, warn in sorted(content.warn_codes.items()):
        page = content.page(lang.code, warn.key) or content.page(default, warn.key)
        assert page is not None  # load_content guarantees the default-language page
        local = page.meta.get("phrase", "") if lang.code != default else ""
        refs.append(
            WarnRef(
                number,
                warn.phrase,
                local if local != warn.phrase else "",
                page.meta["summary"],
                routes.url(lang, warn.key),
            )
        )
    context["warns"] = refs
    if key == "warnings":
        return View("warnings.html", lang, key, output, context)
    warn = content.warn_codes[int(key.removeprefix("warning-"))]
    spec = content.specs.get(warn.spec)
    position = [r.code for r in refs].index(warn.code)
    context.update(
        warn=warn,
        ref=refs[position],
        previous=refs[position - 1] if position else None,
        next=refs[position + 1] if position + 1 < len(refs) else None,
        spec=spec,
        spec_url=spec.section_url(warn.section) if spec else "",
        section_title=spec.sections.get(warn.section, "") if spec else "",
        obsoleted_by=content.specs.get("RFC 9111"),
    )
    return View("warning.html", lang, key, output, context)


def _class_title(content: Content, lang: str, default: str, klass: str) -> str:
    """A class's title in a language, falling back to the default language."""
    page = content.page(lang, klass) or content.page(default, klass)
    return page.meta["title"] if page else klass


def _meanings(code: Code, content: Content, lang: Language, default: str, config: SiteConfig) -> list[dict[str, Any]]:
    """Each meaning with its translated phrase and the exact specification section it links."""
    page = content.page(lang.code, str(code.code))
    result = []
    for index, meaning in enumerate(code.meanings):
        local = ""
        if page is not None and lang.code != default:
            local = page.meta.get("phrase", "") if index == 0 else page.meta.get("phrases", {}).get(meaning.id, "")
        spec = content.specs.get(meaning.spec)
        result.append(
            {
                "meaning": meaning,
                "local": local if local != meaning.phrase else "",
                "spec": spec,
                "section_title": spec.sections.get(meaning.section, "") if spec else "",
                "spec_url": spec.section_url(meaning.section) if spec else "",
                "expired": config.expired(meaning.expires),
            }
        )
    return result
