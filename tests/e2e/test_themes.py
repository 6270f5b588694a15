"""Themes in a real browser against the packaged app: the picker lists the themes, a switch
repaints every slide frame at once (their computed backgrounds all change) as one version, undo
brings the old look back, and one's own theme is saved from the picker and used."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from slidegen.deck.themes import BUILTIN_THEMES
from tests.e2e.conftest import shot

# A deck written for themes: layout classes and variables, no colours of its own.
DECK = """<title>Theme tour</title>
<div class="slide sg-slide sg-title"><p class="sg-kicker">Quarterly review</p>
<h1>Theme tour</h1><p class="sg-subtitle">One deck, every look</p></div>
<div class="slide sg-slide"><h2>Key numbers</h2><div class="sg-kpis">
<div class="sg-kpi"><div class="sg-kpi-value">$4.2M</div>
<div class="sg-kpi-label">Revenue</div></div>
<div class="sg-kpi"><div class="sg-kpi-value">18%</div><div class="sg-kpi-label">Growth</div></div>
<div class="sg-kpi"><div class="sg-kpi-value">312</div>
<div class="sg-kpi-label">Accounts</div></div>
</div></div>
<div class="slide sg-slide"><h2>By region</h2><div class="sg-chart-text">
<div class="sg-chart"><canvas id="c"></canvas></div>
<div class="sg-text"><p>EMEA leads the quarter.</p>
<p class="sg-muted">APAC is catching up.</p></div>
</div><script>new Chart(document.getElementById('c'), {type: 'bar', options: {animation: false,
maintainAspectRatio: false}, data: {labels: ['EMEA', 'AMER', 'APAC'], datasets: [{label: 'Revenue',
data: [12, 9, 7], backgroundColor: SG_THEME.palette}]}});</script></div>
<div class="slide sg-slide"><h2>Top accounts</h2><table class="sg-table">
<tr><th>Account</th><th class="sg-num">Revenue</th></tr>
<tr><td>Acme</td><td class="sg-num">4.1</td></tr><tr><td>Globex</td><td class="sg-num">3.3</td></tr>
</table></div>
<div class="slide sg-slide"><blockquote class="sg-quote">Good design is as little design as
possible.<span class="sg-cite">Dieter Rams</span></blockquote></div>
"""
SLIDE_COUNT = 5
THUMB_FRAME = "#filmstrip [data-slide-id][data-index='{i}'] iframe"


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _backgrounds(page: Any) -> list[str]:
    """The computed background of each slide's `.slide` element, frame by frame."""
    colours = []
    for i in range(SLIDE_COUNT):
        frame = page.locator(THUMB_FRAME.format(i=i))
        frame.wait_for()
        inner = frame.element_handle().content_frame()
        inner.wait_for_selector(".slide")
        colours.append(
            inner.evaluate(
                "() => getComputedStyle(document.querySelector('.slide')).backgroundColor"
            )
        )
    return colours


def _wait_backgrounds(page: Any, expected: str, timeout: float = 15) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            seen = _backgrounds(page)
        except Exception:  # a frame being replaced by its new document
            seen = []
        if seen == [expected] * SLIDE_COUNT:
            return seen
        if time.monotonic() > deadline:
            assert seen == [expected] * SLIDE_COUNT
        time.sleep(0.1)


def _history_kinds(page: Any) -> list[str]:
    page.locator("#history-toggle").click()
    rows = page.locator("#history-list .sg-history-row")
    rows.first.wait_for()
    kinds = rows.all_inner_texts()
    page.keyboard.press("Escape")
    expect(page.locator("#history-list")).to_be_hidden()
    return kinds


@pytest.fixture(scope="module")
def page(new_page: Any, app: Any) -> Any:
    page = new_page("themer-e2e")
    page.goto(app.url)
    page.wait_for_selector("#chat-input")
    page.locator("#deck-menu").click()
    page.locator("#deck-import").click()
    page.locator("#import-paste").fill(DECK)
    page.locator("#import-paste-submit").click()
    expect(page.locator("#import-report")).to_contain_text("Imported “Theme tour”")
    page.locator("#import-done").click()
    expect(page.locator("#slide-count")).to_have_text(f"{SLIDE_COUNT} slides")
    return page


def test_switching_theme_repaints_every_slide_as_one_version_and_undo_restores(
    page: Any,
) -> None:
    before = _backgrounds(page)
    assert len(set(before)) == 1  # no theme yet: every slide the same (transparent) background
    page.locator("#theme-menu").click()
    dialog = page.locator("#theme-dialog")
    expect(dialog).to_be_visible()
    for theme_id in BUILTIN_THEMES:
        expect(page.locator(f"#theme-{theme_id}")).to_be_visible()
    shot(page, "themes-01-picker-1440")
    page.set_viewport_size({"width": 820, "height": 760})
    shot(page, "themes-02-picker-820")
    page.set_viewport_size({"width": 1440, "height": 900})

    page.locator("#theme-dark").click()
    expect(page.locator("#theme-dark")).to_have_attribute("aria-pressed", "true")
    dark = _wait_backgrounds(page, _rgb(BUILTIN_THEMES["dark"].bg))
    assert dark != before
    page.locator("#theme-paper").click()
    _wait_backgrounds(page, _rgb(BUILTIN_THEMES["paper"].bg))
    page.locator("#theme-done").click()
    expect(dialog).to_be_hidden()
    kinds = _history_kinds(page)
    assert len(kinds) == 3 and "theme" in kinds[0] and "theme" in kinds[1]

    page.locator("#undo").click()
    _wait_backgrounds(page, _rgb(BUILTIN_THEMES["dark"].bg))
    shot(page, "themes-03-dark-deck-1440")
    page.set_viewport_size({"width": 1024, "height": 700})
    shot(page, "themes-04-dark-deck-1024")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.locator("#undo").click()
    assert _wait_backgrounds(page, before[0]) == before
    # The chart reads the theme's palette in every theme.
    page.locator("#redo").click()
    _wait_backgrounds(page, _rgb(BUILTIN_THEMES["dark"].bg))
    chart = page.locator(THUMB_FRAME.format(i=2)).element_handle().content_frame()
    chart.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('c')) "
        "&& Chart.getChart(document.getElementById('c')).data.datasets[0].backgroundColor[0] "
        f"=== '{BUILTIN_THEMES['dark'].palette[0]}'"
    )


def test_own_theme_is_saved_from_the_picker_and_used(page: Any) -> None:
    page.locator("#theme-menu").click()
    page.locator("#theme-edit-forest").click()
    expect(page.locator("#theme-form")).to_be_visible()
    page.locator("#theme-name").fill("Brand green")
    page.locator("#theme-color-bg").fill("#f0fff4")
    page.locator("#theme-color-accent").fill("#b8002e")
    page.locator("#theme-custom-font").fill("url(https://evil.example/f.woff)")
    page.locator("#theme-save").click()
    expect(page.locator("#theme-error")).to_contain_text("font")
    page.locator("#theme-custom-font").fill("")
    shot(page, "themes-05-own-theme-form")
    page.locator("#theme-save").click()
    expect(page.locator("#theme-form")).to_be_hidden()
    card = page.locator(".sg-theme-card[aria-pressed='true']")
    expect(card).to_contain_text("Brand green")
    _wait_backgrounds(page, "rgb(240, 255, 244)")
    page.locator("#theme-done").click()
    shot(page, "themes-06-own-theme-deck")
