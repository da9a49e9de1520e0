"""The real site in a real browser: it is built once, served on 127.0.0.1 like GitHub Pages and driven
with Playwright in Debian's headless Chromium. Also the quality gates over every built page:
accessibility (axe-core), HTML validity (the Nu HTML Checker) and internal links.

Chromium, Java and tools/browser/node_modules (`make test` installs them; `bash .ci/run` as root on
Debian installs the system packages) are required: without them these tests fail, they never skip.
Deselect them locally with `pytest -m "not browser"`. Screenshots go to test-artifacts/screenshots/;
UPDATE_SCREENSHOTS=1 also refreshes the ones README.md shows, in docs/screenshots/."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserkit import AXE, CHROMIUM_ARGS, ROOT, VNU, MissingTool, chromium, java, node_tool, serve
from linkcheck import broken_links
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    expect,
    sync_playwright,
)

from generator.build import Built, build_site
from generator.routes import Routes
from generator.write import write_site

browser = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
WAIT = 15_000  # ms: the longest any single expectation may wait (search loads Pagefind's WebAssembly)
expect.set_options(timeout=WAIT)
SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
PNG = b"\x89PNG\r\n\x1a\n"


def need(tool: object, *args: object) -> object:
    """Call a browserkit lookup; a missing tool fails the test with the lookup's instructions."""
    try:
        return tool(*args)  # type: ignore[operator]
    except MissingTool as missing:
        pytest.fail(str(missing), pytrace=False)


# --- the site, served ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_site() -> Built:
    """The project's own site, built in memory once for this module with a fixed date. Every fixture here is
    module-scoped: Playwright's sync API keeps an event loop running, which must be gone before other
    modules' tests call asyncio.run()."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        return build_site(ROOT)


@pytest.fixture(scope="module")
def site_dir(real_site: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    write_site(out, real_site.files, ROOT)
    return out


@pytest.fixture(scope="module")
def origin(site_dir: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if any(getattr(item, "originalname", "") == "test_every_page_is_valid_html" for item in request.session.items):
        request.getfixturevalue("html_check")  # start the Nu HTML Checker now: it runs beside the browser tests
    with serve(site_dir) as url:
        yield url


# --- the browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def chrome(playwright: Playwright, origin: str) -> Iterator[Browser]:
    """Headless Chromium from the system; `origin` first, so the browser closes before the server."""
    executable = need(chromium)
    launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


class Watch:
    """Everything that went wrong on one page: console errors, uncaught exceptions, CSP violations,
    failed requests and error responses for anything but the page itself."""

    CSP_LISTENER = (
        "document.addEventListener('securitypolicyviolation', (e) => {"
        " (window.__csp = window.__csp || []).push(e.violatedDirective + ' blocked ' + e.blockedURI); });"
    )

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.expected_status: dict[str, int] = {}  # url -> the status its navigation is meant to get
        page.add_init_script(self.CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        page.on(
            "requestfailed", lambda request: self.problems.append(f"request failed: {request.url} ({request.failure})")
        )
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "?")
        status = self.expected_status.get(url)
        if status and message.text.startswith(
            f"Failed to load resource: the server responded with a status of {status} "
        ):
            return  # Chromium's note about the page's own, expected, status
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {url}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__csp || []")
        found = self.problems + [f"CSP violation: {v}" for v in violations]
        assert not found, "\n".join(found)


@pytest.fixture
def context(chrome: Browser) -> Iterator[BrowserContext]:
    ctx = chrome.new_context(locale="en-US", **SIZES["desktop"])
    ctx.set_default_timeout(WAIT)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def watch(page: Page) -> Watch:
    return Watch(page)


def h1(page: Page):  # noqa: ANN201 - a Locator
    return page.locator("main h1").first


# --- behaviour ----------------------------------------------------------------------------------


@browser
def test_navigation_home_class_code_related(page: Page, watch: Watch, origin: str) -> None:
    page.goto(origin + "/")
    expect(h1(page)).not_to_be_empty()
    page.locator('main h2 a[href="/4xx/"]').click()
    expect(page).to_have_url(origin + "/4xx/")
    expect(h1(page)).to_have_text(re.compile(r"^4xx · \S"))
    page.locator('main ul.codes a[href="/404/"]').click()
    expect(page).to_have_url(origin + "/404/")
    expect(h1(page)).to_have_text("404 Not Found")
    related = page.locator('section[aria-labelledby="related"] ul.codes a').first
    href = related.get_attribute("href") or ""
    assert re.fullmatch(r"/\d{3}/", href), href
    related.click()
    expect(page).to_have_url(origin + href)
    expect(h1(page)).to_have_text(re.compile(rf"^{href.strip('/')} \S"))
    watch.assert_clean()


@browser
@pytest.mark.parametrize(("tag", "path"), [("zh-Hans", "/zh/429/"), ("ru", "/ru/429/")])
def test_language_switcher_keeps_the_code(page: Page, origin: str, tag: str, path: str) -> None:
    page.goto(origin + "/429/")
    page.locator(f'header nav.languages a[hreflang="{tag}"]').click()
    expect(page).to_have_url(origin + path)
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(h1(page)).to_have_text(re.compile(r"^429 Too Many Requests"))
    expect(page.locator(f'header nav.languages a[hreflang="{tag}"]')).to_have_attribute("aria-current", "page")


@browser
@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("/404/", "too many", "/429/"),
        ("/zh/404/", "限流", "/zh/429/"),
        ("/ru/404/", "слишком много запросов", "/ru/429/"),
        ("/", "teapot", "/418/"),
    ],
)
def test_search_finds_the_code(page: Page, watch: Watch, origin: str, start: str, query: str, expected: str) -> None:
    page.goto(origin + start)
    field = page.locator("header #search-input")
    field.click()
    field.press_sequentially(query)
    hit = page.locator(f'#search-results a[href="{expected}"]')
    try:
        expect(hit).to_be_visible()
    except AssertionError:
        listed = page.locator("#search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        pytest.fail(f"searching {query!r} on {start} did not list {expected}; listed: {listed}", pytrace=False)
    watch.assert_clean()


@browser
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("StatusTooManyRequests", "/429/"),
        ("HTTP_NOT_FOUND", "/404/"),
        (":not_found", "/404/"),
        ("TOO_MANY_REQUESTS", "/429/"),
    ],
)
def test_search_finds_framework_constants(page: Page, origin: str, query: str, expected: str) -> None:
    page.goto(origin + "/")
    page.locator("#search-input").fill(query)
    first = page.locator("#search-results li a").first
    expect(first).to_have_attribute("href", expected)
    excerpt = page.locator("#search-results li p").first.inner_text()
    assert not re.search(r"LibraryConstant|Class\d|(allowed|default)(Yes|No)|Status(Standard|Unofficial)", excerpt), (
        f"labels run together: {excerpt}"
    )


@browser
def test_search_by_keyboard(page: Page, watch: Watch, origin: str) -> None:
    """Down and Up move between the field and the results, Enter opens the focused one, Escape and a
    click elsewhere close the list; a result count and a "more results" button."""
    page.goto(origin + "/")
    field = page.locator("#search-input")
    field.fill("request")
    results = page.locator("#search-results li a")
    expect(results).to_have_count(8)
    count = page.locator("#search-results .count")
    expect(count).to_have_text(re.compile(r"^Results: \d+$"))
    total = int(count.inner_text().split()[-1])
    assert total > 8
    page.locator("#search-results button.more").click()
    expect(results).to_have_count(min(16, total))
    expect(results.nth(8)).to_be_focused()
    field.focus()
    page.keyboard.press("ArrowDown")
    expect(results.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(results.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(field).to_be_focused()
    page.keyboard.press("Escape")
    expect(results).to_have_count(0)
    expect(field).to_be_focused()
    field.fill("teapot")
    expect(results.first).to_have_attribute("href", "/418/")
    page.mouse.click(5, 600)  # the empty margin beside <main>
    expect(results).to_have_count(0)
    field.fill("teapot")
    expect(results.first).to_have_attribute("href", "/418/")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(origin + "/418/")
    watch.assert_clean()


@browser
@pytest.mark.parametrize(
    ("start", "query", "target"), [("/", "слишком много", "/ru/"), ("/ru/", "限流", "/zh/"), ("/zh/", "ошибка", "/ru/")]
)
def test_search_in_another_script_suggests_that_language(
    page: Page, origin: str, start: str, query: str, target: str
) -> None:
    page.goto(origin + start)
    page.locator("#search-input").fill(query)
    link = page.locator("#search-results .other-language a")
    expect(link).to_have_attribute("href", re.compile("^" + re.escape(target) + r"\?q="))
    link.click()
    expect(page).to_have_url(re.compile(re.escape(origin + target) + r"\?q="))
    expect(page.locator("#search-input")).to_have_value(query)
    expect(page.locator("#search-results li a").first).to_be_visible()


@browser
@pytest.mark.parametrize(
    ("path", "lang", "home", "script"),
    [
        ("/ru/does/not/exist/", "ru", "/ru/", r"[А-Яа-яЁё]"),
        ("/zh/x/", "zh-Hans", "/zh/", r"[\u4e00-\u9fff]"),
        ("/does/not/exist/", "en", "/", r"^[A-Za-z ]+$"),
    ],
)
def test_not_found_page_speaks_the_path_language(
    page: Page, watch: Watch, origin: str, path: str, lang: str, home: str, script: str
) -> None:
    """GitHub Pages serves /404.html at any depth: a whole page (header, search, language links, common
    codes) in the language of the path, whose search works."""
    watch.expected_status[origin + path] = 404
    response = page.goto(origin + path)
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", lang)
    heading = h1(page).inner_text()
    assert re.search(script, heading), heading
    expect(page).to_have_title(re.compile("^" + re.escape(heading) + " — "))
    expect(page.locator("header a.brand")).to_have_attribute("href", home)
    expect(page.locator("header nav.languages a")).to_have_count(3)
    expect(page.locator("main a", has_text=re.compile(r"^429 "))).to_have_attribute("href", home + "429/")
    expect(page.locator("template")).to_have_count(0)
    field = page.locator("#search-input")
    field.fill("429")
    expect(page.locator("#search-results li a").first).to_have_attribute("href", home + "429/")
    watch.assert_clean()


@browser
@pytest.mark.parametrize("path", ["/", "/zh/429/"])
def test_skip_link_is_first_and_moves_focus_to_main(page: Page, origin: str, path: str) -> None:
    page.goto(origin + path)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(origin + path + "#content")
    page.keyboard.press("Tab")
    inside = page.evaluate(
        "() => { const a = document.activeElement; return document.querySelector('main').contains(a) && a !== document.body; }"
    )
    assert inside, "after the skip link, the next Tab should land inside <main>"


@browser
@pytest.mark.parametrize(
    "path", ["/", "/4xx/", "/429/", "/zh/", "/zh/5xx/", "/zh/404/", "/ru/", "/ru/2xx/", "/ru/418/"]
)
def test_no_console_errors_or_csp_violations(page: Page, watch: Watch, origin: str, path: str) -> None:
    response = page.goto(origin + path)
    assert response is not None and response.ok
    page.locator("#search-input").focus()  # loads the Pagefind bundle and its WebAssembly under the CSP
    page.wait_for_load_state("networkidle")
    watch.assert_clean()


SHOTS = [("home", "/"), ("code-page-en", "/429/"), ("code-page-zh", "/zh/429/"), ("code-page-ru", "/ru/429/")]


@browser
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("name", "path"), SHOTS)
def test_screenshots(chrome: Browser, origin: str, name: str, path: str, size: str) -> None:
    ctx = chrome.new_context(locale="en-US", **SIZES[size])
    try:
        page = ctx.new_page()
        page.goto(origin + path)
        page.evaluate("document.fonts.ready.then(() => true)")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {size} width"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{name}-{size}.png"
        page.screenshot(path=shot)
    finally:
        ctx.close()
    data = shot.read_bytes()
    assert data.startswith(PNG) and len(data) > 10_000, f"{shot} is not a plausible screenshot"
    if name.startswith("code-page-") and os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOTS / shot.name)


PHONE_PAGES = [
    f"{prefix}{path}"
    for prefix in ("", "/zh", "/ru")
    for path in (
        "/",
        "/1xx/",
        "/2xx/",
        "/3xx/",
        "/4xx/",
        "/5xx/",
        "/203/",
        "/218/",
        "/420/",
        "/429/",
        "/translations/",
        "/x/",
    )
]


@browser
def test_no_sideways_scrolling_on_phones(chrome: Browser, origin: str) -> None:
    """Long phrases, vendor names, constants and URLs wrap instead of widening the page."""
    ctx = chrome.new_context(locale="en-US", **SIZES["phone"])
    wide = []
    try:
        page = ctx.new_page()
        for path in PHONE_PAGES:
            page.goto(origin + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                wide.append(f"{path}: {overflow}px")
    finally:
        ctx.close()
    assert not wide, f"pages that scroll sideways at {SIZES['phone']['viewport']['width']}px: {wide}"


# --- layout, measured ---------------------------------------------------------------------------

LAYOUT_SIZES = {
    "desktop": SIZES["desktop"],
    "tablet": {"viewport": {"width": 820, "height": 1180}, "is_mobile": True, "has_touch": True},
    "phone": SIZES["phone"],
}
LAYOUT_PAGES = ("/", "/4xx/", "/404/", "/418/", "/420/", "/429/", "/499/", "/203/", "/translations/", "/no/such/page/")
# Measured in the page: every problem a reader would see, as one line each.
LAYOUT_JS = r"""(checkSticky) => {
  const problems = [];
  const root = document.documentElement;
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  if (root.scrollWidth > root.clientWidth) problems.push(`scrolls sideways by ${root.scrollWidth - root.clientWidth}px`);
  // A word broken across lines: its range has boxes on more than one line.
  const cells = document.querySelectorAll(".facts dd, .constants td, .constants th, .codes .num, .badge, .pagetoc a");
  for (const cell of cells) {
    if (cell.getBoundingClientRect().width <= 1) continue;  // not shown, or only to screen readers
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Chinese breaks between any two characters: each is a word of its own.
      for (const m of node.data.matchAll(/[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) problems.push(`"${m[0]}" is broken across ${tops.size} lines in ${where(cell)} (${Math.round(cell.getBoundingClientRect().width)}px wide)`);
      }
    }
  }
  for (const badge of document.querySelectorAll(".badge")) {
    const box = badge.getBoundingClientRect();
    const line = parseFloat(getComputedStyle(badge).lineHeight);
    if (box.height > 0 && box.height >= 2 * line) problems.push(`badge "${badge.textContent}" is ${Math.round(box.height)}px tall (line ${line}px)`);
  }
  // Something that scrolls sideways must be reachable by keyboard.
  for (const el of document.querySelectorAll("main *")) {
    const style = getComputedStyle(el);
    if (!/(auto|scroll)/.test(style.overflowX) || el.scrollWidth <= el.clientWidth) continue;
    if (el.tabIndex < 0 && !el.querySelector("a[href], button, input, [tabindex]")) problems.push(`${where(el)} scrolls sideways but cannot take keyboard focus`);
  }
  const input = document.querySelector("#search-input");
  if (input && input.placeholder) {
    const style = getComputedStyle(input);
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const needed = ctx.measureText(input.placeholder).width;
    if (needed > room) problems.push(`search placeholder needs ${Math.round(needed)}px, has ${Math.round(room)}px`);
  }
  if (checkSticky) {
    for (const el of document.querySelectorAll("body *")) {
      const position = getComputedStyle(el).position;
      if (position !== "sticky" && position !== "fixed") continue;
      const share = el.getBoundingClientRect().height / window.innerHeight;
      if (share > 0.15) problems.push(`${where(el)} is ${position} and covers ${Math.round(share * 100)}% of the screen height`);
    }
  }
  // Text in another script inside an element marked lang="en" is mislabelled.
  if (root.lang !== "en") {
    for (const el of document.querySelectorAll("body [lang='en']")) {
      if (/[\u0400-\u04ff\u4e00-\u9fff]/.test(el.textContent)) problems.push(`${where(el)} is marked lang="en" but reads "${el.textContent.trim().slice(0, 40)}"`);
    }
  }
  return problems;
}"""


@browser
@pytest.mark.parametrize("size", list(LAYOUT_SIZES))
@pytest.mark.parametrize("prefix", ["", "/zh", "/ru"])
def test_layout_measured(chrome: Browser, origin: str, prefix: str, size: str) -> None:
    """Boxes measured in every language at desktop, tablet and phone width: no sideways scroll, no word
    broken inside the facts box, the constants table or a badge, no badge taller than a line, nothing
    sticky covering the screen of a phone or tablet, scrolling blocks focusable, the search placeholder
    whole, no foreign text marked as English."""
    ctx = chrome.new_context(locale="en-US", **LAYOUT_SIZES[size])
    ctx.set_default_timeout(WAIT)
    found = []
    try:
        page = ctx.new_page()
        for path in LAYOUT_PAGES:
            page.goto(origin + prefix + path)
            page.evaluate("document.fonts.ready.then(() => true)")
            found += [f"{prefix}{path}: {problem}" for problem in page.evaluate(LAYOUT_JS, size != "desktop")]
    finally:
        ctx.close()
    assert not found, f"layout problems at {size} width:\n" + "\n".join(found)


@browser
def test_layout_check_catches_broken_layouts(chrome: Browser, origin: str) -> None:
    """The measurements above fail on the bugs they guard against, recreated with injected CSS."""
    ctx = chrome.new_context(locale="en-US", bypass_csp=True, **LAYOUT_SIZES["phone"])
    ctx.set_default_timeout(WAIT)
    try:
        page = ctx.new_page()
        page.goto(origin + "/ru/499/")
        assert page.evaluate(LAYOUT_JS, True) == []
        page.add_style_tag(
            content=(
                ".facts dl { grid-template-columns: 20rem minmax(0, 1fr) !important; }"
                " .facts dd { overflow-wrap: anywhere !important; }"
                " .side { position: sticky !important; top: 0; }"
                " .badges { align-items: stretch !important; } .badge { white-space: normal !important; width: 2rem; }"
                " .search { max-width: 8rem !important; }"
                " .prose pre:first-of-type { width: 150vw; }"
            )
        )
        problems = "\n".join(page.evaluate(LAYOUT_JS, True))
    finally:
        ctx.close()
    for expected in (
        "broken across",
        "px tall",
        "is sticky and covers",
        "search placeholder needs",
        "scrolls sideways",
    ):
        assert expected in problems, f"no {expected!r} among:\n{problems}"


def test_readme_screenshots_are_committed() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for (name, _), size in itertools.product(SHOTS[1:], SIZES):
        shot = DOCS_SHOTS / f"{name}-{size}.png"
        assert shot.read_bytes().startswith(PNG), (
            f"{shot}: refresh with UPDATE_SCREENSHOTS=1 pytest tests/test_browser.py"
        )
        assert f"docs/screenshots/{shot.name}" in readme


# --- quality gates ------------------------------------------------------------------------------


AXE_PAGES = [f"{prefix}{path}" for prefix in ("", "/zh", "/ru") for path in ("/", "/4xx/", "/429/")]
AXE_PAGES += ["/420/", "/ru/translations/", "/ru/does/not/exist/"]
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " ")),
  }));
}"""


@pytest.fixture(scope="module")
def axe_context(chrome: Browser) -> Iterator[BrowserContext]:
    """A context that lets axe-core be injected despite the pages' CSP (script-src 'self'), for the
    accessibility audit only; every other test sees the CSP as it is."""
    ctx = chrome.new_context(locale="en-US", bypass_csp=True, **SIZES["desktop"])
    ctx.set_default_timeout(60_000)
    yield ctx
    ctx.close()


@browser
@pytest.mark.parametrize(
    ("path", "scheme"), [(path, "light") for path in AXE_PAGES] + [("/", "dark"), ("/zh/429/", "dark")]
)
def test_accessibility_axe(axe_context: BrowserContext, origin: str, path: str, scheme: str) -> None:
    script = need(node_tool, AXE)
    page = axe_context.new_page()
    try:
        page.emulate_media(color_scheme=scheme)
        page.goto(origin + path)
        page.add_script_tag(path=script)
        violations = page.evaluate(AXE_RUN)
    finally:
        page.close()
    report = "\n".join(f"[{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core on {path} ({scheme}):\n{report}"


class HtmlCheck:
    """The Nu HTML Checker over every .html file of the site plus a broken canary page (which proves
    that it runs and reports), started as soon as the site is served so that it runs beside the
    browser tests."""

    CANARY = '<!DOCTYPE html><html lang="en"><title>canary</title><p><span>broken</div>'

    def __init__(self, site: Path, scratch: Path) -> None:
        self.site = site.resolve()
        self.pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        self.missing: MissingTool | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.report = (scratch / "vnu.json").open("w+b")  # vnu writes its JSON report to stderr
        canary = scratch / "canary.html"
        canary.write_text(self.CANARY, encoding="utf-8")
        try:
            command = [
                java(),
                "-jar",
                str(node_tool(VNU)),
                "--errors-only",
                "--format",
                "json",
                str(canary),
                *self.pages,
            ]
        except MissingTool as missing:
            self.missing = missing
            return
        self.process = subprocess.Popen(
            command, cwd=self.site, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.report
        )

    def messages(self) -> list[dict]:
        if self.missing or not self.process:
            pytest.fail(str(self.missing), pytrace=False)
        code = self.process.wait(timeout=600)
        self.report.seek(0)
        text = self.report.read().decode("utf-8", "replace")
        start = text.find('{"')  # possibly after JVM notices
        assert start >= 0, f"no report from the Nu HTML Checker (exit {code}):\n{text}"
        return json.JSONDecoder().raw_decode(text[start:])[0]["messages"]

    def where(self, message: dict) -> str:
        return f"{message.get('url', '?').removeprefix(f'file:{self.site}/')}:{message.get('lastLine', '?')}"

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.report.close()


@pytest.fixture(scope="module")
def html_check(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HtmlCheck]:
    check = HtmlCheck(site_dir, tmp_path_factory.mktemp("vnu"))
    yield check
    check.close()


@browser
def test_every_page_is_valid_html(html_check: HtmlCheck) -> None:
    assert len(html_check.pages) > 100
    messages = html_check.messages()
    errors = [m for m in messages if not m.get("url", "").endswith("/canary.html")]
    assert len(errors) < len(messages), "the checker found nothing wrong in a broken page: is it running?"
    listed = "\n".join(
        f"{html_check.where(m)}: {m.get('type')}: {m.get('message')}  [{(m.get('extract') or '').strip()}]"
        for m in errors
    )
    assert not errors, f"{len(errors)} HTML errors in {len(html_check.pages)} pages:\n{listed}"


def test_no_broken_internal_links(real_site: Built) -> None:
    base_path = Routes(real_site.config.base_url).base_path
    assert broken_links(real_site.files, base_path) == []
