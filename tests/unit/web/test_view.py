"""The chat shows the prose of the model's out-of-slide text, never its markup."""

from __future__ import annotations

import pytest

from slidegen.web.view import prose_of


@pytest.mark.parametrize(
    ("streamed", "shown"),
    [
        # What a stopped generation left in the chat before (document head, tag edges).
        (
            "Here is your deck.\n<title>Q3</title> <style>.slide { color: red; }</style> "
            '<div class="slide"v> <div class="slide',
            "Here is your deck.",
        ),
        ('Sure, five slides:\n\n```html\n<div class="slide"', "Sure, five slides:"),
        ("<script>new Chart(c, {});", ""),
        ("v>\nNext, a chart of revenue.", "Next, a chart of revenue."),
        ("Done.\n```\n\n\n\nAsk for changes.", "Done.\n\nAsk for changes."),
        ("Growth > 5% in EMEA; costs -> down.", "Growth > 5% in EMEA; costs -> down."),
    ],
)
def test_prose_of_drops_markup_and_keeps_prose(streamed: str, shown: str) -> None:
    assert prose_of(streamed) == shown
