"""The editor's PPTX export in the packaged app: the page's own browser lays out each slide in
a sandboxed frame and posts the layouts; the file says it was measured in a browser."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.e2e.conftest import shot
from tests.e2e.test_editor import DECK, TITLES, wait_titles


def test_export_link_posts_the_browsers_layout(new_page: Any, app: Any, emulator: Any) -> None:
    from pptx import Presentation

    from slidegen.emulator.scripts import ModelReply, model_script

    page = new_page("carol-pptx")
    page.set_viewport_size({"width": 1024, "height": 768})  # the status line on a small screen
    page.goto(app.url)
    page.wait_for_selector("#chat-input")
    model_script(emulator.emulator).replies.append(ModelReply(text=DECK))
    page.fill("#chat-input", "A Q3 revenue review")
    page.keyboard.press("Enter")
    wait_titles(page, TITLES, timeout=60)
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.locator("#export-menu").click()
    with page.expect_download(timeout=90_000) as info:
        page.locator("#export-pptx").click()
        page.wait_for_selector("#sg-pptx-status")
        shot(page, "12-pptx-export-status")
    prs = Presentation(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert info.value.suggested_filename == "Q3 revenue review.pptx"
    # the layouts went up with the request (the server's own Chromium was not what measured)
    assert [u for u in posts if "/api/export/" in u and u.endswith(".pptx")]
    assert prs.core_properties.comments == "Layout: measured in a browser (all 5 slides)."
    assert [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert prs.slides[0].shapes.title.text_frame.text == "Q3 revenue review"
