"""Scripted decks of a known size for the generation benchmarks (B9, B10) and tests.

`sample_deck(slides=10, tokens_per_slide=900)` builds a deck whose every slide answer is close
to `tokens_per_slide` tokens (a chart, a short text and speaker notes, which fill the tokens
without making the slide taller); `deck.script(model)` queues its outline and one reply per
slide on a `ModelScript`, so the agent's outline and slide calls get them whatever order they
run in. `deck.one_stream_text()` is the same content as one whole-deck answer, the baseline B9
compares against (`one_stream_s` is how long that stream takes at a pace).

For B10, slides named in `overflowing` come out taller than 1280x720 (a 30-row table, a
24-point list, or a title over several lines, in turn), and their fit retry answers a version
that fits; slides in `stubborn` overflow again on the fit retry, so only scaling makes them fit.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from slidegen.emulator.scripts import ModelScript, outline_text

__all__ = ["SampleDeck", "SampleSlide", "sample_deck"]

_TITLES = (
    "Revenue by month",
    "Pipeline coverage",
    "Win rate by segment",
    "Average deal size",
    "Churn and retention",
    "Support volume",
    "Hiring against plan",
    "Operating margin",
    "Cash and runway",
    "Marketing spend",
    "Product adoption",
    "Customer satisfaction",
)
_MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]
_NOTE = (
    "Walk the room through the figures on this slide, say where they come from and what they "
    "mean for the plan, and leave a moment for questions before moving on. "
)


@dataclass(frozen=True)
class SampleSlide:
    number: int
    title: str
    layout: str
    html: str  # the slide call's answer
    fit_html: str | None = None  # the fit retry's answer, for a slide that overflows


@dataclass(frozen=True)
class SampleDeck:
    title: str
    slides: tuple[SampleSlide, ...]
    chars_per_token: int = 4

    def outline(self) -> str:
        return outline_text(
            self.title,
            [
                {
                    "title": s.title,
                    "intent": f"{s.title} in 2024, month by month",
                    "layout": s.layout,
                    "data": [],
                }
                for s in self.slides
            ],
        )

    def one_stream_text(self) -> str:
        """The whole deck as one answer: its title, then every slide in order."""
        return f"<title>{self.title}</title>\n" + "\n".join(s.html for s in self.slides)

    def tokens(self, text: str) -> int:
        return -(-len(text) // self.chars_per_token)

    @property
    def slide_tokens(self) -> int:
        """The tokens of every slide answer together (the outline and fit retries aside)."""
        return sum(self.tokens(s.html) for s in self.slides)

    def one_stream_s(self, tokens_per_s: float, ttft_s: float = 0.0) -> float:
        """How long the one-stream baseline takes at `tokens_per_s` after `ttft_s`."""
        return ttft_s + max(0, self.tokens(self.one_stream_text()) - 1) / tokens_per_s

    @property
    def overflowing(self) -> list[int]:
        return [s.number for s in self.slides if s.fit_html is not None]

    def script(self, model: ModelScript) -> None:
        """Queue the outline and each slide's answer (and fit retry) on `model`."""
        model.chars_per_token = self.chars_per_token
        model.script("outline", self.outline())
        for slide in self.slides:
            model.script("slide", slide.html, slide=slide.number)
            if slide.fit_html is not None:
                model.script("fit", slide.fit_html, slide=slide.number)


def _open(layout: str) -> str:
    return f'<section class="slide sg-slide" data-layout="{layout}">'


def _chart(number: int, title: str, body: str, target_chars: int) -> str:
    canvas = f"sg-chart-{number}"
    values = [round(100 + 7.5 * i + (number * 13) % 17, 1) for i in range(12)]
    config = {
        "type": "line" if number % 2 else "bar",
        "data": {"labels": _MONTHS, "datasets": [{"label": title, "data": values}]},
        "options": {"animation": False, "responsive": True, "maintainAspectRatio": False},
    }
    script = (
        f"<script>(function () {{ const c = document.getElementById('{canvas}'); "
        "const accent = getComputedStyle(c).getPropertyValue('--sg-accent').trim() || '#1d6fa5'; "
        f"const config = {json.dumps(config)}; config.data.datasets[0].borderColor = accent; "
        "config.data.datasets[0].backgroundColor = accent; new Chart(c, config); })();</script>"
    )
    head = (
        f"{_open('chart')}<h2>{title}</h2>{body}"
        f'<div style="position:relative;height:380px"><canvas id="{canvas}"></canvas></div>'
        '<aside class="notes">'
    )
    tail = "</aside></section>"
    room = max(0, target_chars - len(head) - len(tail) - len(script))
    notes = (_NOTE * (room // len(_NOTE) + 1))[:room]
    return f"{head}{notes}{tail}{script}"


def _overflowing(title: str, turn: int) -> tuple[str, str, str]:
    """A slide taller than 1280x720 and the version of it that fits, by kind in turn."""
    if turn % 3 == 0:
        rows = "".join(
            f"<tr><td>Account {i}</td><td>{1000 + 37 * i:,}</td><td>{i % 9}%</td></tr>"
            for i in range(1, 31)
        )
        short = "".join(
            f"<tr><td>Account {i}</td><td>{1000 + 37 * i:,}</td><td>{i % 9}%</td></tr>"
            for i in range(1, 7)
        )
        table = '<table style="width:100%;font-size:24px"><thead><tr><th>Account</th>'
        table += "<th>Revenue</th><th>Growth</th></tr></thead><tbody>{}</tbody></table>"
        return (
            "table",
            f"{_open('table')}<h2>{title}</h2>{table.format(rows)}</section>",
            f"{_open('table')}<h2>{title}</h2>{table.format(short)}</section>",
        )
    if turn % 3 == 1:
        points = [f"Point {i}: a finding the team wants on this slide" for i in range(1, 25)]
        style = "font-size:28px;line-height:1.5"
        items = "".join(f'<li style="{style}">{p}</li>' for p in points)
        few = "".join(f'<li style="{style}">{p}</li>' for p in points[:4])
        return (
            "text",
            f"{_open('text')}<h2>{title}</h2><ul>{items}</ul></section>",
            f"{_open('text')}<h2>{title}</h2><ul>{few}</ul></section>",
        )
    long_title = " ".join([title, *["and what it means for every region"] * 6])
    body = "<ul>" + "".join(f"<li style='font-size:28px'>Point {i}</li>" for i in range(6))
    body += "</ul>"
    return (
        "title",
        f'{_open("title")}<h1 style="font-size:72px">{long_title}</h1>{body}</section>',
        f"{_open('text')}<h2>{title}</h2>{body}</section>",
    )


def sample_deck(
    slides: int = 10,
    tokens_per_slide: int = 900,
    *,
    overflowing: Collection[int] = (),
    stubborn: Collection[int] = (),
    chars_per_token: int = 4,
    title: str = "Quarterly Business Review",
) -> SampleDeck:
    """A deck of `slides` chart slides of about `tokens_per_slide` tokens each; slides numbered
    in `overflowing` do not fit (and fit on the retry, unless also in `stubborn`)."""
    if slides < 1:
        raise ValueError("a deck has at least one slide")
    built: list[SampleSlide] = []
    for number in range(1, slides + 1):
        name = _TITLES[(number - 1) % len(_TITLES)]
        if number in overflowing or number in stubborn:
            turn = sum(1 for s in built if s.fit_html is not None)
            layout, tall, fits = _overflowing(name, turn)
            retry = tall if number in stubborn else fits
            built.append(SampleSlide(number, name, layout, tall, retry))
            continue
        body = f"<p>What slide {number} of {slides} shows, in one line.</p>"
        html = _chart(number, name, body, tokens_per_slide * chars_per_token)
        built.append(SampleSlide(number, name, "chart", html))
    return SampleDeck(title, tuple(built), chars_per_token)
