"""B1 breakdown: where the server's time for one reorder goes, stage by stage, in-process.

The 40-slide deck of B1 (`bench.b1_editor_events`, ~4 KB of HTML a slide) in a fresh store
(the SQLite file of a single-process app, or with --postgres the local PostgreSQL in a schema
of its own, dropped afterwards). Each stage is timed on its own, many times, median and p95:
- store read: `get_deck` of the head (decoded pieces cached, as in a running app);
- operation: `move_slide` on the decoded deck;
- version encoding: the pieces' hashes (cached per slide) and the zlib of the reference list;
- store change: `change_deck` (read + operation + encoding + the SQL of a new version, one
  transaction), i.e. the whole store part of the event; and the same as two calls, `get_deck`
  then `save_deck` (two connections and transactions: the editor's path before `change_deck`);
- view: `DeckState._show` of a saved deck (every slide's entry compared with the shown one);
- Reflex delta: the resolved delta of the state tree and its JSON as the socket sends it;
- handler: the whole `DeckState.move` event handler (service, thread hop, view), then delta.
What the round trip adds on top (socket.io framing, Reflex's event queue and state lock, the
client) is the B1 round trip minus the handler and delta.

    python -m bench.b1_reorder_breakdown [--rounds 200] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench.b1_editor_events import SLIDES, slide_html

USER = "b1-breakdown-user"


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def _timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _open_store(postgres: bool) -> tuple[Any, Callable[[], None]]:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    if not postgres:
        store = open_store(load_settings(SLIDEGEN_DATA_DIR=tempfile.mkdtemp(prefix="b1bd-")))
        return store, store.dispose
    from bench.b2_users_per_process import _POSTGRES_URL, _create_schema, _drop_schema

    schema = _create_schema()
    store = open_store(load_settings(DATABASE_URL=_POSTGRES_URL), schema=schema)

    def drop() -> None:
        store.dispose()
        _drop_schema(schema)

    return store, drop


def _tab(deck_id: str) -> Any:
    import reflex as rx
    from reflex.istate.data import RouterData

    import slidegen.slidegen  # noqa: F401  (registers the pages and their states)

    root = rx.State(_reflex_internal_init=True)
    headers = {"x-forwarded-user": USER, "origin": "http://127.0.0.1"}
    path = f"/?deck={deck_id}"
    root.router = RouterData.from_router_data(
        {"headers": headers, "pathname": "/", "asPath": path, "query": {}}
    )
    return root


async def _measure(store: Any, rounds: int) -> dict[str, list[float]]:
    from reflex.app import _sio_dumps

    from slidegen.deck import move_slide, parse_deck_html
    from slidegen.server import services
    from slidegen.store import ChangeKind
    from slidegen.store.content import encode_version
    from slidegen.web.guard import OwnerGuard
    from slidegen.web.states import DeckState, SessionState

    parsed = parse_deck_html("\n".join(slide_html(i) for i in range(SLIDES)))
    record = store.create_deck(USER, "B1 deck", styles=parsed.styles, slides=parsed.slides)
    deck_id = record.deck.id
    services.set_store(store)
    root = _tab(deck_id)
    await OwnerGuard().preprocess(app=None, state=root, event=None)
    await (await root.get_state(SessionState)).on_load()
    deck = await root.get_state(DeckState)
    await root._get_resolved_delta()
    root._clean()

    times: dict[str, list[float]] = {}
    head = store.get_deck(USER, deck_id)
    times["store read (get_deck)"] = _timed(lambda: store.get_deck(USER, deck_id), rounds)
    first = head.deck.slides[0].id
    times["operation (move_slide)"] = _timed(lambda: move_slide(head.deck, first, 20), rounds)

    class _Rollback(Exception):
        pass

    def encode() -> None:
        from slidegen.store.engine import write_connection

        try:
            with write_connection(store.engine) as conn:
                encode_version(conn, move_slide(head.deck, first, 20))
                raise _Rollback
        except _Rollback:
            pass

    times["version encoding (pieces, zlib) + blob lookup"] = _timed(encode, rounds)

    changed: list[float] = []
    for _ in range(rounds):
        now = store.get_deck(USER, deck_id)
        moving = now.deck.slides[0].id
        start = time.perf_counter()
        store.change_deck(
            USER,
            deck_id,
            lambda d, moving=moving: move_slide(d, moving, 20),
            base_version=now.version,
            kind=ChangeKind.REORDER,
            summary="m",
        )
        changed.append((time.perf_counter() - start) * 1000)
    times["store change (change_deck: read + op + write)"] = changed

    separate: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        now = store.get_deck(USER, deck_id)
        moved = move_slide(now.deck, now.deck.slides[0].id, 20)
        store.save_deck(USER, moved, base_version=now.version, kind=ChangeKind.REORDER, summary="m")
        separate.append((time.perf_counter() - start) * 1000)
    times["before: get_deck + save_deck (two transactions)"] = separate

    await deck.reload()
    await root._get_resolved_delta()
    root._clean()
    view, delta, wire, handler = [], [], [], []
    for _ in range(rounds):
        order = list(deck.order)
        start = time.perf_counter()
        await deck.move(order[0], order[20], True)
        handled = time.perf_counter()
        resolved = await root._get_resolved_delta()
        resolved_at = time.perf_counter()
        _sio_dumps(["event", {"delta": resolved, "events": [], "final": True}])
        sent = time.perf_counter()
        root._clean()
        handler.append((handled - start) * 1000)
        delta.append((resolved_at - handled) * 1000)
        wire.append((sent - resolved_at) * 1000)
        saved = store.get_deck(USER, deck_id)
        begin = time.perf_counter()
        deck._show(saved)
        view.append((time.perf_counter() - begin) * 1000)
        root._clean()
    times["view (DeckState._show of the saved deck)"] = view
    times["handler (DeckState.move: service, thread hop, view)"] = handler
    times["Reflex delta (resolve)"] = delta
    times["delta JSON (socket.io encoding)"] = wire
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--postgres", action="store_true", help="the local PostgreSQL")
    args = parser.parse_args(argv)
    store, close = _open_store(args.postgres)
    try:
        times = asyncio.run(_measure(store, args.rounds))
    finally:
        close()
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, {SLIDES} slides, {args.rounds} rounds")
    print("| stage | median ms | p95 ms |\n|---|---|---|")
    for name, samples in times.items():
        median, p95 = _stats(samples)
        print(f"| {name} | {median:.2f} | {p95:.2f} |")


if __name__ == "__main__":
    main()
