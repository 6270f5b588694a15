"""B10 auto-fit: decks whose scripted answers overflow the 1280x720 slide, generated with
AUTO_FIT=auto, come out with every slide fitting.

Each deck is generated through the service (`TurnService.generate`, outline first, slides in
parallel) against the emulator, with the server's Chromium measuring each written slide
(`slidegen.export.fit.measure_fit`): a slide that does not fit goes back to the model once
with the measurement, and one that still does not fit is scaled into the box. The decks
(`sample_deck` and wide slides built here):
- `tall`: 10 slides, four overflowing (a 30-row table, a 20-point list, a title over several
  lines at 72 px, a table again); each fit retry answers a version that fits;
- `stubborn`: 6 slides, four overflowing, two of which overflow again on the fit retry, so only
  scaling makes them fit;
- `wide`: 6 slides, two with content wider than the slide (a row of fixed-width cards, a table
  of 14 columns that do not wrap, which stays too wide on the retry) and a 24-point list.

Before generating, every scripted first answer is measured on its own, so the figures show the
input does overflow; after, every saved slide is measured again with the saved deck's CSS and
theme. Target: 0 overflowing after generation; the figures also say how many fit passes (model
rewrites) and scalings it took (from the turn's `meta`).

    python -m bench b10          # or: python -m bench.b10_auto_fit [--runs N]

The last line is for scripts: `B10: overflowing=<n> slides=<n> fit_passes=<n>` (all decks of
all runs).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import tempfile
import time
from dataclasses import dataclass

from slidegen.agent import Agent, Failed
from slidegen.config import load_settings
from slidegen.deck import Deck, parse_single_slide
from slidegen.deck.themes import DEFAULT_THEME_ID, builtin_theme
from slidegen.emulator import running_emulator
from slidegen.emulator.sample_decks import SampleDeck, SampleSlide, sample_deck
from slidegen.emulator.scripts import ModelScript, model_script
from slidegen.export.fit import measure_fit, measure_fit_available
from slidegen.server.identity import UserContext
from slidegen.service import DeckService, TurnSaved, TurnService
from slidegen.store import open_store

ENDPOINT = "b10-endpoint"


def _cards(count: int, title: str) -> str:
    cards = "".join(
        f'<div style="flex:0 0 320px;height:260px;padding:24px;border:2px solid #ccc">'
        f"<h3>Region {i}</h3><p>{90 + i * 7} k accounts</p></div>"
        for i in range(1, count + 1)
    )
    return (
        f'<section class="slide" data-layout="cards"><h2>{title}</h2>'
        f'<div style="display:flex;gap:24px">{cards}</div></section>'
    )


def _wide_table(columns: int, title: str) -> str:
    head = "".join(f"<th>Month {m:02d}</th>" for m in range(1, columns + 1))
    rows = "".join(
        f"<tr><td>Region {r}</td>"
        + "".join(f"<td>{100 + r * 11 + m * 3:,}.0 k</td>" for m in range(1, columns))
        + "</tr>"
        for r in range(1, 6)
    )
    return (
        f'<section class="slide" data-layout="table"><h2>{title}</h2>'
        f'<table style="white-space:nowrap;font-size:24px"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _long_list(points: int, title: str) -> str:
    items = "".join(
        f'<li style="font-size:28px;line-height:1.4">Finding {i}: what the team saw this quarter'
        "</li>"
        for i in range(1, points + 1)
    )
    return f'<section class="slide" data-layout="text"><h2>{title}</h2><ul>{items}</ul></section>'


def wide_deck() -> SampleDeck:
    """Six slides; slide 2 is a row of six 320 px cards (fits as three on the retry), slide 4
    a 14-column table that stays too wide on the retry (only scaling fits it), slide 6 a list
    of 24 points at 28 px (6 on the retry), taller than the slide whatever the theme's spacing."""
    base = sample_deck(6, 300, title="Regional review")
    slides = list(base.slides)
    cards_title, table_title, list_title = slides[1].title, slides[3].title, slides[5].title
    slides[1] = SampleSlide(2, cards_title, "cards", _cards(6, cards_title), _cards(3, cards_title))
    wide = _wide_table(14, table_title)
    slides[3] = SampleSlide(4, table_title, "table", wide, wide)
    slides[5] = SampleSlide(
        6, list_title, "text", _long_list(24, list_title), _long_list(6, list_title)
    )
    return dataclasses.replace(base, slides=tuple(slides))


def decks() -> dict[str, SampleDeck]:
    return {
        "tall": sample_deck(10, 300, overflowing={2, 4, 6, 8}, title="Sales review"),
        "stubborn": sample_deck(6, 300, overflowing={1, 3}, stubborn={2, 5}, title="Ops review"),
        "wide": wide_deck(),
    }


@dataclass
class DeckResult:
    name: str
    slides: int
    scripted_overflowing: int
    overflowing_after: int
    fit_passes: int
    scaled: int
    fit_calls: int
    seconds: float
    problems: list[str]


async def scripted_overflow(deck: SampleDeck) -> int:
    """How many of the deck's first answers do not fit, each measured as a slide of its own
    (with the default theme, as the generation writes them)."""
    slides = [parse_single_slide(s.html) for s in deck.slides]
    holder = Deck(
        id="d_b10check", owner="b10", title=deck.title, theme=builtin_theme(DEFAULT_THEME_ID)
    )
    reports = await measure_fit(slides, holder)
    return sum(1 for r in reports if not r.fits)


async def generate(
    name: str, deck: SampleDeck, model: ModelScript, turns: TurnService, user: UserContext
) -> DeckResult:
    scripted = await scripted_overflow(deck)
    with model.lock:  # fit answers the previous deck did not ask for must not answer this one
        model.by_kind.clear()
    deck.script(model)
    fit_before = len([r for r in model.requests if r.kind == "fit"])
    started = time.perf_counter()
    saved: TurnSaved | None = None
    async for event in turns.generate(user, f"the {name} deck", genie_space_id=""):
        if isinstance(event, TurnSaved):
            saved = event
        elif isinstance(event, Failed):
            raise RuntimeError(f"deck {name}: {event.message}")
    seconds = time.perf_counter() - started
    if saved is None:
        raise RuntimeError(f"deck {name}: the turn ended without saving")
    record = saved.record
    reports = await measure_fit(list(record.deck.slides), record.deck)
    problems = [
        f"slide {i + 1}: {r.summary()}" for i, r in enumerate(reports) if not r.fits and r.problems
    ]
    if unmeasured := sum(1 for r in reports if not r.measured):
        problems.append(f"{unmeasured} saved slides could not be measured (counted as overflowing)")
    return DeckResult(
        name,
        len(record.deck.slides),
        scripted,
        sum(1 for r in reports if not r.fits),
        int(saved.meta.get("fit_passes", 0)),
        int(saved.meta.get("scaled_to_fit", 0)),
        len([r for r in model.requests if r.kind == "fit"]) - fit_before,
        seconds,
        problems,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="B10 auto-fit")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)

    if not measure_fit_available():
        raise SystemExit("B10 needs Chromium (/usr/bin/chromium) and Playwright")
    results: list[DeckResult] = []
    with running_emulator() as server, tempfile.TemporaryDirectory() as data:
        os.environ["DATABRICKS_HOST"] = server.url
        os.environ["DATABRICKS_TOKEN"] = "bench-token"
        for name in ("DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "MLFLOW_TRACKING_URI"):
            os.environ.pop(name, None)
        model = model_script(server.emulator)
        settings = load_settings(
            data_dir=data,
            serving_endpoint=ENDPOINT,
            genie_space_id="",
            llm_max_retries=0,
            generation_mode="outline",
            auto_fit="auto",
        )
        store = open_store(settings)
        user = UserContext("b10", "b10@example.com", "B10", "b10")
        turns = TurnService(DeckService(lambda: store), lambda: Agent(settings), lambda: settings)

        async def go() -> None:
            for _ in range(args.runs):
                for name, deck in decks().items():
                    results.append(await generate(name, deck, model, turns, user))

        try:
            asyncio.run(go())
        finally:
            store.dispose()

    print(f"AUTO_FIT=auto, server Chromium; {args.runs} run(s) of {len(decks())} decks")
    print(
        "| deck | slides | overflowing as scripted | fit calls | fit passes | scaled "
        "| overflowing after | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r.name} | {r.slides} | {r.scripted_overflowing} | {r.fit_calls} | "
            f"{r.fit_passes} | {r.scaled} | "
            f"{r.overflowing_after} | {r.seconds:.1f} |"
        )
        for problem in r.problems:
            print(f"  {r.name}: {problem}")
    if args.runs > 1:
        print(f"median seconds a deck: {statistics.median(r.seconds for r in results):.1f}")
    print(
        f"B10: overflowing={sum(r.overflowing_after for r in results)} "
        f"slides={sum(r.slides for r in results)} "
        f"fit_passes={sum(r.fit_passes for r in results)}"
    )


if __name__ == "__main__":
    main()
