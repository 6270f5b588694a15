"""B11 version storage: bytes a change adds to the store, for a 200-slide deck.

The B7 synthetic answer (200 slides of ~4 KB) is stored as a generation; then one slide's HTML is
edited, a slide is moved, and the move is undone, each through the real `DeckStore`. For each
change it reports the bytes of the rows it added: on PostgreSQL `pg_column_size` of each new
row of `deck_versions` and `deck_blobs` (the tuple as stored, TOAST-compressed); on SQLite the
sum of `length()` of every column of the new rows. Reading the head and an older version is timed
cold (pieces not yet decoded in this process) and warm.

    python -m bench.b11_version_storage [--runs 5] [--slides 200] [--no-postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from bench.b7_large_decks import _postgres_store, _reachable, _sqlite_store, model_answer
from slidegen.deck import move_slide, parse_deck_html, set_slides, set_styles
from slidegen.store import ChangeKind, DeckStore
from slidegen.store import content as store_content

TARGETS = {"one-slide edit": 8_000, "reorder": 2_000, "undo": 2_000}


def _row_bytes(store: DeckStore, deck_id: str) -> int:
    """Stored bytes of every version and piece row of the deck."""
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            query = (
                "SELECT (SELECT coalesce(sum(pg_column_size(v.*)), 0) FROM deck_versions v "
                "WHERE v.deck_id = :d) + (SELECT coalesce(sum(pg_column_size(b.*)), 0) "
                "FROM deck_blobs b WHERE b.deck_id = :d)"
            )
        else:
            version_cols = (
                "length(deck_id)+8+length(owner)+length(created_at)+length(actor)+length(kind)"
                "+length(summary)+length(title)+8+8+8+length(content_format)+length(content)"
            )
            query = (
                f"SELECT (SELECT coalesce(sum({version_cols}), 0) FROM deck_versions "
                "WHERE deck_id = :d) + (SELECT coalesce(sum(8 + length(deck_id) + "
                "length(sha256) + length(content)), 0) FROM deck_blobs WHERE deck_id = :d)"
            )
        return int(conn.execute(sa.text(query), {"d": deck_id}).scalar() or 0)


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(store: DeckStore, answer: str, runs: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}

    def note(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    parsed = parse_deck_html(answer)
    for run_no in range(runs):
        owner = f"user{run_no}"
        record = store.create_deck(owner, "Annual review")
        deck = set_slides(set_styles(record.deck, parsed.styles), parsed.slides)
        saved = store.save_deck(
            owner, deck, base_version=1, kind=ChangeKind.GENERATE, summary="b11", actor=owner
        )
        deck_id = saved.deck.id
        before = _row_bytes(store, deck_id)
        note("generation (200 slides)", before)

        middle = saved.deck.slides[100]
        changed = dataclasses.replace(middle, html=middle.html.replace("results", "outcomes"))
        slides = list(saved.deck.slides)
        slides[100] = changed
        edited = store.save_deck(
            owner, set_slides(saved.deck, slides), base_version=saved.version,
            kind=ChangeKind.MANUAL_EDIT, summary="edit",
        )  # fmt: skip
        after_edit = _row_bytes(store, deck_id)
        note("one-slide edit", after_edit - before)

        moved = store.save_deck(
            owner, move_slide(edited.deck, edited.deck.slides[-1].id, 0),
            base_version=edited.version, kind=ChangeKind.REORDER, summary="move",
        )  # fmt: skip
        after_move = _row_bytes(store, deck_id)
        note("reorder", after_move - after_edit)

        store.undo(owner, deck_id, moved.version)
        note("undo", _row_bytes(store, deck_id) - after_move)

        store_content.forget_deck([deck_id])  # cold: nothing of this deck decoded in-process
        note("read head, cold (ms)", _timed(lambda o=owner, d=deck_id: store.get_deck(o, d)) * 1e3)
        note("read head, warm (ms)", _timed(lambda o=owner, d=deck_id: store.get_deck(o, d)) * 1e3)
        store_content.forget_deck([deck_id])
        note(
            "read version 2, cold (ms)",
            _timed(lambda o=owner, d=deck_id: store.get_deck(o, d, 2)) * 1e3,
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slides", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    answer = model_answer(args.slides)
    backends: list[tuple[str, Callable[[], Any]]] = [("sqlite", _sqlite_store)]
    if not args.no_postgres and _reachable(5432):
        backends.append(("postgresql", _postgres_store))
    for name, opener in backends:
        with opener() as store:
            figures = run(store, answer, args.runs)
        print(f"\n{name}: median (min-max) over {args.runs} runs")
        for label, values in figures.items():
            target = TARGETS.get(label)
            verdict = "" if target is None else (" ok" if max(values) < target else " MISSED")
            unit = "" if "(ms)" in label else " B"
            print(
                f"  {label:<28} {statistics.median(values):10.1f}{unit} "
                f"({min(values):.1f}-{max(values):.1f}){verdict}"
            )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
