"""Lighthouse (npm, run with Debian's Chromium) over a production build served on 127.0.0.1:
accessibility, best practices and SEO at 100 for a home, a class and a code page in every language.
Needs what tests/test_browser.py needs plus tools/browser/node_modules/lighthouse (`make test`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browserkit import CHROMIUM_ARGS, NODE_MODULES, ROOT, MissingTool, chromium, node_tool, serve

from generator.build import build_site
from generator.write import write_site

PRODUCTION_URL = (
    "https://http-status.example/"  # any absolute URL: Lighthouse checks the links are absolute and consistent
)
PAGES = [f"{prefix}{path}" for prefix in ("", "/zh", "/ru") for path in ("/", "/4xx/", "/429/")]
RUNNER = ROOT / "tools" / "browser" / "lighthouse.mjs"
TIMEOUT = 1800  # seconds for all pages: Lighthouse loads each page several times, and the machine may be busy


@pytest.mark.browser
def test_lighthouse_scores_100(tmp_path: Path) -> None:
    try:
        browser = chromium()
        node_tool(NODE_MODULES / "lighthouse" / "package.json")
    except MissingTool as missing:
        pytest.fail(str(missing), pytrace=False)
    node = shutil.which("node")
    if not node:
        pytest.fail(
            "node not found: install Node.js (Debian: apt-get install nodejs npm) (deselect with -m 'not browser')",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        built = build_site(ROOT, base_url=PRODUCTION_URL)
    write_site(tmp_path / "site", built.files, ROOT)
    with serve(tmp_path / "site") as origin:
        env = {**os.environ, "CHROME_FLAGS": " ".join(CHROMIUM_ARGS)}
        done = subprocess.run(
            [node, str(RUNNER), browser, *[origin + p for p in PAGES]],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=env,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert sorted(results) == sorted(origin + p for p in PAGES)
    below = {
        url.removeprefix(origin): scores for url, scores in results.items() if any(v != 1 for v in scores.values())
    }
    assert not below, json.dumps(below, indent=1, ensure_ascii=False)
