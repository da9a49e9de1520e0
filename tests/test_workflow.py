"""Static checks of the GitHub Pages workflow: least privilege, pinned actions, safe triggers."""

from __future__ import annotations

import re
from pathlib import Path

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pages.yml"


def text() -> str:
    return WORKFLOW.read_text(encoding="utf-8")


def jobs() -> dict[str, str]:
    """Each job's block of text, by name."""
    body = text().split("\njobs:\n", 1)[1]
    parts = re.split(r"^  ([a-z][\w-]*):\n", body, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_top_level_permissions_are_read_only() -> None:
    top = text().split("\njobs:\n", 1)[0]
    assert re.search(r"^permissions:\n  contents: read\n(?!  )", top, re.M)
    assert "write" not in top


def test_write_permissions_only_in_the_deploy_job() -> None:
    found = jobs()
    assert set(found) == {"build", "deploy"}
    assert "pages: write" in found["deploy"] and "id-token: write" in found["deploy"]
    assert "write" not in found["build"]
    assert "github-pages" in found["deploy"]


def test_every_action_is_pinned_to_a_full_sha_with_a_version_comment() -> None:
    uses = re.findall(r"uses: (\S+)(.*)", text())
    assert {u.split("@")[0] for u, _ in uses} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    for action, comment in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), action


def test_triggers_and_concurrency() -> None:
    workflow = text()
    assert "pull_request_target" not in workflow
    on = workflow.split("\non:\n", 1)[1].split("\n\n", 1)[0]
    assert "push:\n    branches: [main]" in on and "pull_request:" in on and "workflow_dispatch:" in on
    assert re.search(r"^concurrency:\n  group: pages\n  cancel-in-progress: false$", workflow, re.M)


def test_deploy_never_runs_for_pull_requests() -> None:
    found = jobs()
    assert (
        "github.event_name != 'pull_request'" in found["deploy"].splitlines()[0]
        or "github.event_name != 'pull_request'" in text().split("  deploy:\n")[1].splitlines()[0]
    )
    assert "needs: build" in found["deploy"]


def test_build_tests_first_and_uses_the_pages_base_url_safely() -> None:
    build = jobs()["build"]
    assert build.index(".ci/run") < build.index("generator build")
    assert "BASE_URL: ${{ steps.pages.outputs.base_url }}" in build
    run_lines = [line for line in build.splitlines() if "generator build" in line]
    assert run_lines and all("${{" not in line for line in run_lines)  # no expression injected into a script
    assert "persist-credentials: false" in build


def test_the_build_cache_is_restored_and_both_pythons_are_set_up() -> None:
    build = jobs()["build"]
    assert build.index("actions/cache@") < build.index(".ci/run")  # restored before the build and tests use it
    assert "path: .cache" in build and "key: build-cache-${{ github.sha }}" in build
    assert re.search(r"python-version: \|\n\s+3\.13\n\s+3\.11\n", build)  # newest for make compat, oldest as default


def test_published_build_is_a_production_build_with_git_dates() -> None:
    build = jobs()["build"]
    assert "fetch-depth: 0" in build  # per-page dates need the history
    assert 'generator build --production --base-url "${BASE_URL%/}/"' in build
