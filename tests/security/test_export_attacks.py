"""The PDF route against a slide that never finishes: the export is stopped at its deadline and
answered with a clear message (no traceback in the log), while another user's export goes on."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.security.conftest import PDF_EXPORT_TIMEOUT_S, new_user


def _deck(store: Any, owner: str, title: str, script: str = "") -> str:
    from slidegen.deck import parse_deck_html

    html = f'<div class="slide"><h1>{title}</h1>' + (
        f"<script>{script}</script></div>" if script else "</div>"
    )
    return store.create_deck(owner, title, slides=parse_deck_html(html).slides).deck.id


def test_a_looping_slide_gets_a_clear_answer_and_others_still_export(app: Any, store: Any) -> None:
    mallory, alice = new_user("pdf-loop"), new_user("pdf-ok")
    hostile = _deck(store, mallory, "Loop", "while (true) {}")
    fine = _deck(store, alice, "Fine deck")

    def get(user: str, deck: str) -> httpx.Response:
        return httpx.get(
            f"{app.url}/api/export/{deck}.pdf", headers={"x-forwarded-user": user}, timeout=60
        )

    with ThreadPoolExecutor(2) as pool:
        stuck = pool.submit(get, mallory, hostile)
        other = pool.submit(get, alice, fine)
        stuck_answer, other_answer = stuck.result(), other.result()
    assert other_answer.status_code == 200, other_answer.text
    assert other_answer.content.startswith(b"%PDF")
    assert stuck_answer.status_code == 422, stuck_answer.text
    body = stuck_answer.json()
    assert body["error"] == "export_refused"
    assert f"took longer than {PDF_EXPORT_TIMEOUT_S} s" in body["message"]
    assert not any(r.get("message") == "export failed" for r in app.log_lines())
