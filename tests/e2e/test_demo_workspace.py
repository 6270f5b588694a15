"""First run without a workspace: the packaged app in development on a fresh data folder, with no
DATABRICKS_* variables and a HOME without ~/.databrickscfg, runs against the demo workspace.

The banner says so and can be dismissed (and stays dismissed after a reload); a prompt gives a
deck written by the demo model from Genie's rows, with a Chart.js chart drawn in its slide.
The deployable package leaves the emulator out, so this run adds it back, as a checkout has it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from slidegen.web.components.demo_banner import DEMO_TEXT
from tests.e2e.conftest import CHROMIUM, shot
from tests.support.require import missing

ROOT = Path(__file__).resolve().parents[2]
PROMPT = "Create a deck about our Q3 sales review for the board"
VIEWPORTS = {"1440x900": (1440, 900), "1024x768": (1024, 768)}


@pytest.fixture(scope="module")
def demo_app(packaged_build: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.support.app_server import PackagedBuild, start_packaged_app

    if not Path(CHROMIUM).exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    package = tmp_path_factory.mktemp("demo") / "package"
    shutil.copytree(packaged_build.out_dir, package, symlinks=True)
    shutil.copytree(
        ROOT / "slidegen" / "emulator",
        package / "slidegen" / "emulator",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    running = start_packaged_app(
        PackagedBuild(package),
        tmp_path_factory.mktemp("demo-run"),
        env={"ENVIRONMENT": "development", "DATABRICKS_APP_NAME": ""},
    )
    yield running
    running.terminate()


def _page(browser: Any, url: str, size: tuple[int, int]) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#chat-input")
    # The tab opens its deck after connecting; the title input is re-created then, so typing
    # into it earlier would be lost. Every deck has a title: an empty input means not yet.
    expect(page.locator("#deck-title")).not_to_have_value("")
    return page


def _drawn_chart(page: Any, canvas_id: str) -> bool:
    """Whether some slide frame holds `canvas_id` with a Chart.js chart painted on it."""
    script = f"""() => {{
        const c = document.getElementById({canvas_id!r});
        if (!c || !window.Chart || !Chart.getChart(c) || !c.width) return false;
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) painted++;
        return painted > 500;
    }}"""
    for frame in page.frames:
        try:
            if frame.evaluate(script):
                return True
        except Exception:  # a frame that navigated or went away meanwhile
            continue
    return False


def test_the_log_says_the_app_runs_on_the_demo_workspace(demo_app: Any) -> None:
    messages = [r.get("message", "") for r in demo_app.log_lines()]
    assert any(m.startswith("demo workspace on http://127.0.0.1:") for m in messages), messages


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_demo_banner_shows_and_dismisses(demo_app: Any, browser: Any, viewport: str) -> None:
    page = _page(browser, demo_app.url, VIEWPORTS[viewport])
    expect(page.locator("#demo-banner-slot[data-demo='true']")).to_have_count(1)
    banner = page.locator("#demo-banner")
    expect(banner).to_be_visible()
    expect(page.locator("#demo-banner-text")).to_have_text(DEMO_TEXT)
    shot(page, f"demo-banner-{viewport}")
    page.locator("#demo-banner-dismiss").click()
    expect(banner).to_have_count(0)
    page.reload()
    page.wait_for_selector("#chat-input")
    # The mount check has answered (the workspace is still the demo), and the banner stays away.
    expect(page.locator("#demo-banner-slot[data-demo='true']")).to_have_count(1)
    expect(banner).to_have_count(0)
    page.context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_prompt_gives_a_demo_deck_with_a_drawn_chart(
    demo_app: Any, browser: Any, viewport: str
) -> None:
    page = _page(browser, demo_app.url, VIEWPORTS[viewport])
    page.fill("#chat-input", PROMPT)
    page.keyboard.press("Enter")
    # The demo model plans 8 slides (outline first), then writes each by its own call.
    expect(page.locator("#slide-count")).to_have_text("8 slides", timeout=40_000)
    expect(page.locator("#chat-stop")).to_have_count(0, timeout=40_000)
    log = page.locator("#chat-log").inner_text()
    assert "GENIE_DATA" not in log
    assert "Created a deck of 8 slides: Our Q3 Sales Review for the Board." in log
    # Slide frames are created near the viewport only: bring the bar chart's slide (4th) in.
    chart_slide = page.locator("[data-slide-id][data-index='3']").first
    chart_slide.scroll_into_view_if_needed()
    chart_slide.click()
    deadline = time.monotonic() + 20
    while not _drawn_chart(page, "sg-chart-4"):
        if time.monotonic() > deadline:
            pytest.fail("no slide frame shows the demo bar chart drawn")
        page.wait_for_timeout(200)
    for frame in page.frames:
        try:
            text = frame.evaluate("() => document.body ? document.body.innerText : ''")
        except Exception:
            continue
        assert "GENIE_DATA" not in text and "untrusted" not in text
    shot(page, f"demo-deck-{viewport}")
    page.context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_long_deck_titles_in_the_deck_menu_truncate_without_overlapping(
    demo_app: Any, browser: Any, viewport: str
) -> None:
    page = _page(browser, demo_app.url, VIEWPORTS[viewport])
    long_title = "A very long deck title " * 8
    title = page.locator("#deck-title")
    title.fill(long_title.strip())
    title.press("Tab")
    page.locator("#deck-menu").click()
    item = page.locator(".sg-deck-item-title", has_text="A very long deck title").first
    expect(item).to_be_visible()
    box = item.bounding_box()
    geometry = item.evaluate(
        """el => {
            const date = el.nextElementSibling.getBoundingClientRect();
            const row = el.closest('[role=menuitem]').getBoundingClientRect();
            return {dateLeft: date.left, dateRight: date.right, rowRight: row.right,
                    clipped: el.scrollWidth > el.clientWidth,
                    lines: Math.round(el.getBoundingClientRect().height /
                                      parseFloat(getComputedStyle(el).lineHeight))};
        }"""
    )
    shot(page, f"deck-menu-long-title-{viewport}")
    assert box["x"] + box["width"] <= geometry["dateLeft"] + 0.5, geometry
    assert geometry["dateRight"] <= geometry["rowRight"] + 0.5, geometry
    assert geometry["clipped"] and geometry["lines"] == 1, str(geometry)
    assert item.get_attribute("title") == long_title.strip()
    page.keyboard.press("Escape")
    page.context.close()


@pytest.fixture(scope="module")
def unconfigured_production_app(
    packaged_build: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    from tests.support.app_server import start_packaged_app

    running = start_packaged_app(
        packaged_build, tmp_path_factory.mktemp("no-workspace-run"), env={"DATABRICKS_APP_NAME": ""}
    )
    yield running
    running.terminate()


def test_production_without_a_workspace_says_what_to_set_in_the_chat(
    unconfigured_production_app: Any, browser: Any
) -> None:
    from slidegen.agent.model import NO_WORKSPACE

    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        extra_http_headers={"X-Forwarded-User": "nora", "X-Forwarded-Email": "nora@example.com"},
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(unconfigured_production_app.url)
    page.wait_for_selector("#chat-input")
    expect(page.locator("#demo-banner-slot[data-demo='false']")).to_have_count(1)
    expect(page.locator("#demo-banner")).to_have_count(0)
    page.fill("#chat-input", PROMPT)
    page.keyboard.press("Enter")
    expect(page.locator("#chat-log")).to_contain_text(NO_WORKSPACE, timeout=40_000)
    assert "cannot configure default credentials" not in page.locator("#chat-log").inner_text()
    shot(page, "no-workspace-error-1440x900")
    page.set_viewport_size({"width": 1024, "height": 768})
    shot(page, "no-workspace-error-1024x768")
    # The SDK's own explanation is in the log (a WARNING, on stderr).
    assert "cannot configure default credentials" in unconfigured_production_app.all_output()
    context.close()
