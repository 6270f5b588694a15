"""Two users at once, told apart only by the proxy's headers: each sees only their own decks."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import shot


def _open(page: Any, url: str) -> str:
    page.goto(url)
    page.wait_for_selector("#chat-input")
    href = page.locator("a[href^='/present/']").first.get_attribute("href")
    return href.rsplit("/", 1)[-1]


def test_two_users_see_only_their_own_decks(new_page: Any, app: Any) -> None:
    ann, ben = new_page("ann-two-users"), new_page("ben-two-users")
    ann_deck = _open(ann, app.url)
    ann.locator("#deck-title").fill("Ann's private plan")
    ann.locator("#deck-title").press("Tab")
    ann.wait_for_function(
        "() => document.querySelector('#deck-title').value === \"Ann's private plan\""
    )
    ben_deck = _open(ben, app.url)
    assert ben_deck != ann_deck

    # Ben asks for Ann's deck by URL, by presenter route and by download route: nothing.
    ben.goto(f"{app.url}/?deck={ann_deck}")
    ben.wait_for_selector("#chat-input")
    assert ben.locator("#deck-title").input_value() != "Ann's private plan"
    ben.locator("#deck-menu").click()
    menu = ben.locator("[role=menu]").inner_text()
    assert "Ann's private plan" not in menu
    shot(ben, "08-second-user")
    ben.keyboard.press("Escape")
    assert ben.request.get(f"{app.url}/api/export/{ann_deck}.html").status == 404
    ben.goto(f"{app.url}/present/{ann_deck}")
    ben.get_by_text("This deck does not exist or is not yours.").wait_for()

    # Ann still has her deck, and her download works.
    assert ann.request.get(f"{app.url}/api/export/{ann_deck}.html").status == 200
    ann.locator("#deck-menu").click()
    assert "Ann's private plan" in ann.locator("[role=menu]").inner_text()


def test_no_identity_means_no_deck_data(browser: Any, app: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(app.url)
        page.locator("#not-signed-in").wait_for()
        assert page.locator("[data-slide-id]").count() == 0
        assert page.request.get(f"{app.url}/api/export/anything.html").status == 403
    finally:
        context.close()
