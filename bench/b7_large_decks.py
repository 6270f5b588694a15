"""B7 large decks: parse, version and store a 200-slide deck; read back any version.

A synthetic model answer of 200 slides (~4 KB each: headings, bullet lists, tables, and a
Chart.js chart with its set-up script on every fifth slide), wrapped in a full HTML document
with shared CSS and chatter around it, goes through the real parser and the real store.

Per run and back-end (SQLite file; PostgreSQL when reachable):
- parse: `parse_deck_html` on the whole answer (sanitising included);
- store: `save_deck` of the parsed deck (validation, pieces stored once, one transaction);
- parse + store: the two together (target < 1 s);
- read head / read old: `get_deck` of the newest version and of a random one of 40 earlier
  versions (each a reorder: a new list of the same 200 stored pieces);
- history: `list_versions` (metadata only);
- render list: one iframe document per slide (`render_slide_document`, as the editor's slide
  list does) for the 200 slides.

    python -m bench.b7_large_decks [--runs 7] [--slides 200] [--no-postgres]
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from slidegen.config import load_settings
from slidegen.deck import (
    Deck,
    move_slide,
    parse_deck_html,
    render_slide_document,
    set_slides,
    set_styles,
)
from slidegen.store import ChangeKind, DeckStore, open_store

POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
OLD_VERSIONS = 40


def model_answer(slides: int, seed: int = 7) -> str:
    """A realistic whole-deck answer of about 4 KB per slide."""
    rng = random.Random(seed)
    parts = [
        "Here is your deck:\n```html\n<!DOCTYPE html><html><head><title>Annual review</title>",
        "<style>.slide{font-family:Inter,sans-serif;padding:48px;background:#fff}"
        "h1{font-size:44px;color:#1f2937}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:6px 10px}</style></head><body>",
    ]
    for n in range(slides):
        bullets = "".join(
            f"<li><strong>Point {k}</strong>: revenue in region {rng.randint(1, 99)} grew "
            f"{rng.randint(1, 40)}% while costs moved {rng.randint(-9, 9)}% year on year, "
            f"driven by {rng.choice(['pricing', 'volume', 'mix', 'new customers'])} and "
            f"{rng.choice(['renewals', 'upsell', 'partners', 'a new product line'])}</li>"
            for k in range(22)
        )
        rows = "".join(
            f"<tr><td>Q{q}</td><td>{rng.randint(100, 999)}</td><td>{rng.randint(1, 99)}%</td></tr>"
            for q in range(1, 21)
        )
        body = (
            f'<div class="slide" id="slide-{n}"><h1>Slide {n}: results by region</h1>'
            f'<div style="display:flex;gap:24px"><ul>{bullets}</ul>'
            f"<table><tr><th>Quarter</th><th>Sales</th><th>Margin</th></tr>{rows}</table></div>"
        )
        if n % 5 == 0:
            data = [rng.randint(10, 90) for _ in range(8)]
            body += (
                f'<canvas id="chart-{n}" width="600" height="300"></canvas></div>'
                f"<script>new Chart(document.getElementById('chart-{n}'),{{type:'bar',"
                f"data:{{labels:['Q1','Q2','Q3','Q4','Q5','Q6','Q7','Q8'],"
                f"datasets:[{{label:'Sales',data:{data}}}]}},"
                f"options:{{animation:false,responsive:false}}}});</script>"
            )
        else:
            body += "</div>"
        parts.append(body)
    parts.append("</body></html>\n```\nLet me know if you want changes.")
    return "".join(parts)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def _sqlite_store() -> Iterator[DeckStore]:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(load_settings(DATABASE_URL=f"sqlite:///{Path(tmp) / 'b7.db'}"))
        try:
            yield store
        finally:
            store.dispose()


@contextmanager
def _postgres_store() -> Iterator[DeckStore]:
    schema = f"b7_{uuid.uuid4().hex[:10]}"
    store = open_store(load_settings(DATABASE_URL=POSTGRES_URL, DATABASE_SCHEMA=schema))
    try:
        yield store
    finally:
        store.dispose()
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(store: DeckStore, answer: str, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    rng = random.Random(1)
    for run_no in range(runs):
        owner = f"user{run_no}"
        record = store.create_deck(owner, "Annual review")
        t_parse, parsed = _timed(lambda: parse_deck_html(answer))
        deck = set_slides(set_styles(record.deck, parsed.styles), parsed.slides)
        t_store, saved = _timed(
            lambda deck=deck, owner=owner: store.save_deck(
                owner, deck, base_version=1, kind=ChangeKind.GENERATE, summary="b7", actor=owner
            )
        )
        note("parse", t_parse)
        note("store", t_store)
        note("parse + store", t_parse + t_store)
        current: Deck = saved.deck
        version = saved.version
        for _ in range(OLD_VERSIONS):  # history: each version lists all 200 slides
            current = move_slide(current, current.slides[-1].id, 0)
            version = store.save_deck(
                owner, current, base_version=version, kind=ChangeKind.REORDER, summary="m"
            ).version
        deck_id, old = record.deck.id, rng.randint(2, version - 1)
        t_head, head = _timed(lambda o=owner, d=deck_id: store.get_deck(o, d))
        t_old, older = _timed(lambda o=owner, d=deck_id, v=old: store.get_deck(o, d, v))
        assert len(head.deck.slides) == len(older.deck.slides) == len(parsed.slides)
        t_hist, _ = _timed(lambda o=owner, d=deck_id: store.list_versions(o, d))
        t_render, _ = _timed(
            lambda head=head: [
                render_slide_document(head.deck, s, asset_base="https://app.example")
                for s in head.deck.slides
            ]
        )
        note("read head", t_head)
        note("read old version", t_old)
        note(f"history ({version} versions)", t_hist)
        note("render list (200 docs)", t_render)
    return times


def _stored_bytes(store: DeckStore) -> tuple[int, int]:
    """Versions after the first, and the bytes of all versions' lists and stored pieces."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM deck_versions WHERE version > 1), "
                "(SELECT coalesce(sum(length(content)), 0) FROM deck_versions) + "
                "(SELECT coalesce(sum(length(content)), 0) FROM deck_blobs)"
            )
        ).one()
    return int(row[0]), int(row[1] or 0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--slides", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    answer = model_answer(args.slides)
    parsed = parse_deck_html(answer)
    html_kb = sum(s.size_bytes for s in parsed.slides) / 1000
    print(
        f"deck: {len(parsed.slides)} slides, answer {len(answer) / 1000:.0f} KB, "
        f"slide HTML+scripts {html_kb:.0f} KB; runs={args.runs}"
    )
    backends: list[tuple[str, Callable[[], object]]] = [("sqlite", _sqlite_store)]
    if not args.no_postgres and _reachable(5432):
        backends.append(("postgresql", _postgres_store))
    for name, opener in backends:
        with opener() as store:  # type: ignore[attr-defined]
            times = run(store, answer, args.runs)
            versions, stored = _stored_bytes(store)
        print(f"\n{name}: median (min-max) over {args.runs} runs")
        for label, values in times.items():
            print(
                f"  {label:<26} {statistics.median(values) * 1000:8.1f} ms "
                f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"
            )
        print(f"  stored per version         {stored / versions / 1000:8.1f} KB (pieces + lists)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
