"""Pure view helpers: prose for the chat, and how slide entries are spread over shard vars."""

from __future__ import annotations

import pytest

from slidegen.web.view import place_entries, prose_of


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


def _apply(shards: list[dict], rewritten: dict[int, dict]) -> list[dict]:
    return [rewritten.get(i, shard) for i, shard in enumerate(shards)]


def test_place_entries_resends_only_what_changed() -> None:
    shards: list[dict] = [{} for _ in range(4)]
    # A generation streaming six slides: each one rewrites one small shard.
    order: list[str] = []
    sizes = []
    for n in range(6):
        sid = f"s{n}"
        rewritten = place_entries(shards, {sid: f"doc {n}"}, order)
        assert len(rewritten) == 1
        sizes.append(len(next(iter(rewritten.values()))))
        shards = _apply(shards, rewritten)
        order.append(sid)
    assert sizes == [1, 1, 1, 1, 2, 2]  # spread to the smallest shard first
    everything = {k: v for shard in shards for k, v in shard.items()}
    assert everything == {f"s{n}": f"doc {n}" for n in range(6)}

    # Showing the same deck again (a reconnect, a reorder) rewrites nothing.
    assert place_entries(shards, everything, order) == {}
    # One changed slide rewrites its own shard only.
    rewritten = place_entries(shards, {**everything, "s4": "new"}, order)
    assert list(rewritten) == [0] and rewritten[0] == {"s0": "doc 0", "s4": "new"}
    # A removed slide stays where it is (nothing sent) until its shard is rewritten anyway,
    # and then it is dropped.
    live = [s for s in order if s != "s0"]
    assert place_entries(shards, {k: v for k, v in everything.items() if k != "s0"}, live) == {}
    rewritten = place_entries(shards, {"s4": "newer"}, live)
    assert rewritten == {0: {"s4": "newer"}}
