"""Importing a deck from a file or pasted HTML: limits, encodings, not-a-deck messages, report."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.deck.importing import (
    MAX_IMPORT_BYTES,
    DeckImportError,
    read_deck_file,
    read_pasted_deck,
)

DECK = """<!DOCTYPE html><html><head><title>Quarterly  review</title>
<script src="https://cdn.example.com/chart.js"></script></head><body>
<div class="slide"><h1>Revenue</h1><canvas id="rev"></canvas>
<aside class="notes">Say hello</aside></div>
<div class="slide"><h1>Résumé</h1><img src="https://img.example.com/x.png"></div>
<script>new Chart(document.getElementById('rev'), {type: 'bar'});</script>
</body></html>"""


def test_a_file_becomes_a_deck_with_a_report_of_what_was_kept_and_removed() -> None:
    imported = read_deck_file("q3.html", DECK.encode())
    assert imported.title == "Quarterly review" and imported.source == "q3.html"
    assert [s.title for s in imported.slides] == ["Revenue", "Résumé"]
    assert imported.kept == [
        "2 slides",
        "1 chart (Chart.js)",
        "speaker notes on 1 slide",
        "script code that sat outside its slide now runs with it (slide 1)",
    ]
    removed = "\n".join(imported.removed)
    assert "1 external script (cdn.example.com/chart.js)" in removed
    assert "1 image (img.example.com/x.png)" in removed


def test_pasted_html_without_title_is_named_after_its_first_heading() -> None:
    imported = read_pasted_deck("<section><h2>Plan</h2></section><section>Two</section>")
    assert imported.title == "Plan" and imported.source == "pasted HTML"
    assert len(imported.slides) == 2 and imported.removed == []


def test_a_file_without_title_is_named_after_the_file() -> None:
    assert read_deck_file("dir/Team offsite.htm", b"<section>x</section>").title == "Team offsite"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"<section>x</section>", "notes.txt is not an HTML file: choose a .html"),
        ("a.html", b"\x89PNG\r\n\x1a\n\x00\x00", "a.html is not an HTML file (it holds binary"),
        ("a.html", b"just some words", "a.html is not HTML: no HTML elements in it."),
        ("a.html", b"<html><body><p>Hello</p></body></html>", "a.html holds no slides: a deck"),
        ("big.html", b"<section>" + b"x" * MAX_IMPORT_BYTES, "big.html is 5.0 MB; decks up to 5"),
    ],
)
def test_a_file_that_is_not_a_deck_gets_a_clear_message(
    name: str, data: bytes, message: str
) -> None:
    with pytest.raises(DeckImportError) as error:
        read_deck_file(name, data)
    assert str(error.value).startswith(message)


def test_empty_paste_is_refused() -> None:
    with pytest.raises(DeckImportError, match="Paste the HTML of a deck first"):
        read_pasted_deck("  \n")


def test_legacy_encodings_are_read() -> None:
    latin = '<meta charset="iso-8859-1"><section><h1>Café</h1></section>'.encode("latin-1")
    assert read_deck_file("a.html", latin).slides[0].title == "Café"
    unlabelled = "<section><h1>Naïve</h1></section>".encode("cp1252")
    assert read_deck_file("a.html", unlabelled).slides[0].title == "Naïve"
    bom = "<section><h1>Ünïcode</h1></section>".encode("utf-16")
    assert read_deck_file("a.html", bom).slides[0].title == "Ünïcode"


def test_an_imported_deck_is_stored_at_version_1_with_kind_import(tmp_path: Path) -> None:
    from slidegen.config import load_settings
    from slidegen.store import ChangeKind, open_store

    store = open_store(load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}"))
    try:
        imported = read_deck_file("q3.html", DECK.encode())
        record = store.create_deck(
            "alice",
            imported.title,
            styles=imported.styles,
            slides=imported.slides,
            imported_from=imported.source,
        )
        (version,) = store.list_versions("alice", record.deck.id)
        assert (version.version, version.kind, version.summary) == (
            1,
            ChangeKind.IMPORT,
            "Imported from q3.html",
        )
        stored = store.get_deck("alice", record.deck.id).deck
        assert stored.slides == imported.slides and stored.title == "Quarterly review"
    finally:
        store.dispose()
