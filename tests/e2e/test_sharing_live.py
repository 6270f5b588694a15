"""Sharing in Chromium on the packaged app: the owner shares from the Share dialog, two editors
on one deck see each other's saves live (within a second, no reload), a viewer sees the deck
with no editing control, and a removed editor's open tab leaves the deck. Screenshots at
1440x900 and 1024x700."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.e2e.test_editor import card_titles, wait_titles

ANN, BEN, CAL = "ann-share", "ben-share", "cal-share"
TITLES = ["Plan", "Numbers", "Risks", "Next steps"]
SELECTED = re.compile(r"\bsg-selected\b")


def _email(user: str) -> str:
    return f"{user}@example.com"


@pytest.fixture(scope="module")
def deck_id(app: Any) -> str:
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    data = Path(app.stdout_path).parent / "data"
    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(data)))
    try:
        html = "".join(f'<div class="slide"><h2>{t}</h2></div>' for t in TITLES)
        return store.create_deck(ANN, "Team plan", slides=parse_deck_html(html).slides).deck.id
    finally:
        store.dispose()


def _share(page: Any, who: str, level: str) -> None:
    page.locator("#share-principal").fill(who)
    page.locator("#share-add").locator("xpath=..").get_by_role("combobox").nth(1).click()
    page.get_by_role("option", name=level, exact=True).click()
    page.locator("#share-add").click()
    expect(page.locator("#share-message")).to_contain_text(who)


def _moved_within(page: Any, expected: list[str], limit_s: float) -> float:
    started = time.monotonic()
    wait_titles(page, expected, timeout=limit_s + 4)
    return time.monotonic() - started


def test_the_owner_shares_and_two_editors_see_each_others_saves_live(
    new_page: Any, app: Any, deck_id: str
) -> None:
    ann = new_page(ANN)
    ann.goto(f"{app.url}/?deck={deck_id}")
    wait_titles(ann, TITLES)

    ann.locator("#share-open").click()
    _share(ann, _email(BEN), "editor")
    _share(ann, _email(CAL), "viewer")
    expect(ann.locator(".sg-grant")).to_have_count(2)
    shot(ann, "share-dialog-1440")
    ann.set_viewport_size({"width": 1024, "height": 700})
    shot(ann, "share-dialog-1024")
    ann.set_viewport_size({"width": 1440, "height": 900})
    ann.locator("#share-done").click()

    ben = new_page(BEN)
    ben.goto(f"{app.url}/?deck={deck_id}")
    wait_titles(ben, TITLES)
    expect(ben.locator("#deck-title")).to_have_value("Team plan")
    expect(ben.locator("#chat-input")).to_be_visible()  # an editor chats
    expect(ben.locator("#share-open")).to_have_count(0)  # only the owner shares
    ben.locator("#deck-menu").click()
    expect(ben.locator("#deck-shared-heading")).to_be_visible()
    expect(ben.locator(".sg-shared-item")).to_contain_text(_email(ANN))
    shot(ben, "shared-with-me-1440")
    ben.keyboard.press("Escape")

    # Ben selects "Risks"; Ann moves "Plan" to the end: Ben's tab follows, selection kept.
    ben.locator("[data-slide-id]").nth(2).click()
    expect(ben.locator("[data-slide-id]").nth(2)).to_have_class(SELECTED)
    ann.locator("#stage-move-later").wait_for()
    ann.locator("[data-slide-id]").first.click()
    started = time.monotonic()
    for _ in range(3):
        ann.locator("#stage-move-later").click()
        time.sleep(0.3)
    ann_order = ["Numbers", "Risks", "Next steps", "Plan"]
    wait_titles(ann, ann_order)
    ben_s = _moved_within(ben, ann_order, 1.0)
    assert time.monotonic() - started < 8
    assert ben_s < 1.0, ben_s
    risks = ben.locator("[data-slide-id]").nth(1)
    expect(risks).to_have_class(SELECTED)

    # Ann opens the history; Ben saves: Ann sees it within a second, in the open history too,
    # which names who made each version.
    ann.locator("#history-toggle").click()
    expect(ann.locator(".sg-actor").first).to_have_text(f"by {_email(ANN)}")
    ben.locator("[data-slide-id]").first.click()
    ben.locator("#stage-move-later").click()
    ben_order = ["Risks", "Numbers", "Next steps", "Plan"]
    wait_titles(ben, ben_order)
    assert _moved_within(ann, ben_order, 1.0) < 1.0
    expect(ann.locator(".sg-actor").first).to_have_text(f"by {_email(BEN)}", timeout=2000)
    expect(ann.locator(".sg-actor").nth(1)).to_have_text(f"by {_email(ANN)}")
    shot(ann, "history-actors-1440")
    ann.keyboard.press("Escape")
    expect(ann.locator(".sg-actor")).to_have_count(0)

    # Cal, a viewer: the deck, no editing control; Ben's next save reaches Cal too.
    cal = new_page(CAL)
    cal.goto(f"{app.url}/?deck={deck_id}")
    wait_titles(cal, ben_order)
    expect(cal.locator("#view-only")).to_be_visible()
    expect(cal.locator("#chat-view-only")).to_be_visible()
    for control in ("#undo", "#redo", "#stage-move-later", "#stage-delete", ".sg-actions"):
        expect(cal.locator(control)).to_have_count(0)
    expect(cal.locator("#deck-title")).to_have_attribute("readonly", "")
    # The slide on a viewer's stage is not editable in place (no editing script in its frame).
    expect(cal.locator("#stage-frame")).to_have_attribute("data-editable", "false")
    cal.wait_for_function(
        "() => (document.getElementById('stage-iframe')?.getAttribute('srcdoc') || '')"
        ".includes('Risks')"
    )
    assert "sg-text-edit" not in cal.locator("#stage-iframe").get_attribute("srcdoc")
    assert "sg-text-edit" in ann.locator("#stage-iframe").get_attribute("srcdoc")
    shot(cal, "viewer-1440")
    cal.set_viewport_size({"width": 1024, "height": 700})
    shot(cal, "viewer-1024")

    # Ann removes Ben: his open tab leaves the deck with a message.
    ann.locator("#share-open").click()
    ann.locator(".sg-grant", has_text=_email(BEN)).locator(".sg-grant-remove").click()
    expect(ann.locator(".sg-grant")).to_have_count(1)
    expect(ben.locator("#deck-notice")).to_contain_text("no longer shared with you", timeout=3000)
    assert card_titles(ben) == []
    assert ben.request.get(f"{app.url}/api/export/{deck_id}.html").status == 404
    assert cal.request.get(f"{app.url}/api/export/{deck_id}.html").status == 200
