"""How a version's content is written: each piece of a deck stored once, a version as references.

A deck's *pieces* are its slides (each slide's JSON: id, HTML, scripts, notes) and its shared
CSS. Each piece is stored once per deck in `deck_blobs`, found by the SHA-256 of its JSON and
referred to by the row's integer id. A version's `content` (format `refs+zlib`) is then only
`{"title", "styles": <blob id>, "slides": [<blob id>, …]}` plus the deck-level fields that are
not at their default (`genie_space`; `theme`, a blob id like the styles, so a logo is stored
once per deck): a reorder or an undo adds a
version of about a kilobyte, an edit of one slide adds that slide's piece and the list. Blob
ids, not hashes, are what a version lists: 200 hashes would be 13 KB, 200 small integers are
under one.

Blobs are scoped to their deck (never shared across decks or owners), so every read still
filters on a deck the caller owns, and purging a deck removes exactly its blobs.

Pieces are immutable, so their encodings are cached per `Slide` object (`_PIECES`, weak keys)
and decoded pieces per blob id (`_DECODED`, bounded): the editor's save-after-every-change
path then re-encodes only what changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from slidegen.deck import Deck, Slide
from slidegen.deck.model import GENIE_DEFAULT
from slidegen.deck.themes import Theme, ThemeError
from slidegen.store.tables import deck_blobs

__all__ = [
    "CONTENT_FORMAT",
    "LEGACY_CONTENT_FORMAT",
    "Piece",
    "decode_version",
    "encode_version",
    "piece_of",
    "slide_piece",
    "store_pieces",
]

CONTENT_FORMAT = "refs+zlib"
# Whole-deck snapshots of the first schema; read only by the migration that converts them.
LEGACY_CONTENT_FORMAT = "json+zlib"

log = logging.getLogger("slidegen.store")

_ZLIB_LEVEL = 6
_DECODED_MAX = 8192  # decoded pieces kept in memory (≈ 40 decks of 200 slides)


@dataclass(frozen=True)
class Piece:
    """One stored piece: the SHA-256 of its JSON and its zlib-compressed JSON."""

    sha256: str
    data: bytes


def piece_of(value: Any) -> Piece:
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return Piece(hashlib.sha256(raw).hexdigest(), zlib.compress(raw, _ZLIB_LEVEL))


_PIECES: weakref.WeakKeyDictionary[Slide, Piece] = weakref.WeakKeyDictionary()
_PIECES_LOCK = threading.Lock()


def slide_piece(slide: Slide) -> Piece:
    with _PIECES_LOCK:
        cached = _PIECES.get(slide)
    if cached is not None:
        return cached
    piece = piece_of(slide.to_dict())
    with _PIECES_LOCK:
        _PIECES[slide] = piece
    return piece


def _styles_value(styles: str) -> dict[str, str]:
    return {"styles": styles}


def store_pieces(conn: sa.Connection, deck_id: str, pieces: Sequence[Piece]) -> list[int]:
    """The blob id of each piece, inserting the pieces this deck does not hold yet.

    Callers hold the deck's write lock (the head-moving UPDATE runs first in the same
    transaction), so two writers never insert the same piece of one deck at once.
    """
    wanted = {p.sha256: p for p in pieces}
    ids = _blob_ids(conn, deck_id, wanted)
    missing = [p for sha, p in wanted.items() if sha not in ids]
    if missing:
        conn.execute(
            deck_blobs.insert(),
            [{"deck_id": deck_id, "sha256": p.sha256, "content": p.data} for p in missing],
        )
        ids.update(_blob_ids(conn, deck_id, {p.sha256: p for p in missing}))
    return [ids[p.sha256] for p in pieces]


def _blob_ids(conn: sa.Connection, deck_id: str, wanted: dict[str, Piece]) -> dict[str, int]:
    found: dict[str, int] = {}
    hashes = list(wanted)
    for start in range(0, len(hashes), 500):  # stay far below any bound-parameter limit
        rows = conn.execute(
            sa.select(deck_blobs.c.id, deck_blobs.c.sha256).where(
                deck_blobs.c.deck_id == deck_id,
                deck_blobs.c.sha256.in_(hashes[start : start + 500]),
            )
        )
        found.update({r.sha256: int(r.id) for r in rows})
    return found


def encode_version(conn: sa.Connection, deck: Deck) -> bytes:
    """Store the deck's new pieces and return the version's content (references only)."""
    pieces = [slide_piece(s) for s in deck.slides]
    pieces.append(piece_of(_styles_value(deck.styles)))
    if deck.theme is not None:
        pieces.append(piece_of({"theme": deck.theme.to_dict()}))
    ids = store_pieces(conn, deck.id, pieces)
    theme_id = ids.pop() if deck.theme is not None else None
    body: dict[str, Any] = {"title": deck.title, "styles": ids[-1], "slides": ids[:-1]}
    # Deck-level fields are written only when set, so a version without them reads as before.
    if deck.genie_space != GENIE_DEFAULT:
        body["genie_space"] = deck.genie_space
    if theme_id is not None:
        body["theme"] = theme_id
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), _ZLIB_LEVEL)


_DECODED: OrderedDict[tuple[str, int], Any] = OrderedDict()
_DECODED_LOCK = threading.Lock()


def _load_pieces(conn: sa.Connection, deck_id: str, blob_ids: Iterable[int]) -> dict[int, Any]:
    wanted = set(blob_ids)
    values: dict[int, Any] = {}
    with _DECODED_LOCK:
        for blob_id in wanted:
            key = (deck_id, blob_id)
            if key in _DECODED:
                _DECODED.move_to_end(key)
                values[blob_id] = _DECODED[key]
    missing = sorted(wanted - values.keys())
    for start in range(0, len(missing), 500):
        rows = conn.execute(
            sa.select(deck_blobs.c.id, deck_blobs.c.content).where(
                deck_blobs.c.deck_id == deck_id, deck_blobs.c.id.in_(missing[start : start + 500])
            )
        )
        loaded = {int(r.id): _decode_piece(r.content) for r in rows}
        values.update(loaded)
        with _DECODED_LOCK:
            for blob_id, value in loaded.items():
                _DECODED[(deck_id, blob_id)] = value
            while len(_DECODED) > _DECODED_MAX:
                _DECODED.popitem(last=False)
    if len(values) != len(wanted):
        lost = sorted(wanted - values.keys())
        raise ValueError(f"deck {deck_id} refers to missing stored pieces {lost[:5]}")
    return values


def _decode_piece(data: bytes) -> Any:
    value = json.loads(zlib.decompress(data))
    # Slides and themes are kept decoded as values: frozen, so one object serves every reader.
    if "html" in value:
        return Slide.from_dict(value)
    if "theme" in value:
        return _stored_theme(value["theme"])
    return value


def _stored_theme(data: Any) -> Theme | None:
    """A stored theme, checked again (the rules may have tightened since it was saved); one
    that no longer passes reads as no theme, with a warning, rather than hiding the deck."""
    try:
        return Theme.from_dict(data)
    except ThemeError as error:
        log.warning("a stored deck theme is no longer valid and is ignored: %s", error)
        return None


def decode_version(
    conn: sa.Connection, deck_id: str, owner: str, content_format: str, content: bytes
) -> Deck:
    """The deck a version's content describes (the caller has checked the owner)."""
    if content_format != CONTENT_FORMAT:
        raise ValueError(f"unknown deck content format {content_format!r}")
    body = json.loads(zlib.decompress(content))
    refs: list[int] = [int(i) for i in body["slides"]]
    theme_ref = body.get("theme")
    extra = [int(theme_ref)] if theme_ref is not None else []
    pieces = _load_pieces(conn, deck_id, [*refs, int(body["styles"]), *extra])
    styles = pieces[int(body["styles"])]
    return Deck(
        id=deck_id,
        owner=owner,
        title=str(body["title"]),
        styles=str(styles["styles"]),
        slides=tuple(pieces[i] for i in refs),
        genie_space=str(body.get("genie_space") or GENIE_DEFAULT),
        theme=pieces[int(theme_ref)] if theme_ref is not None else None,
    )


def forget_deck(deck_ids: Iterable[str]) -> None:
    """Drop cached pieces of purged decks (their blob ids may be reused by the database)."""
    doomed = set(deck_ids)
    with _DECODED_LOCK:
        for key in [k for k in _DECODED if k[0] in doomed]:
            del _DECODED[key]
