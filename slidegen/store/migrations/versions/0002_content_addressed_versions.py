"""Versions as lists of content-addressed pieces: `deck_blobs`, and every snapshot converted.

Every `json+zlib` version (the whole deck) becomes a `refs+zlib` version naming its slides and
CSS in `deck_blobs`; identical pieces across a deck's versions are stored once. One deck at a
time, inside the migration's transaction, so a failure leaves the database as it was.

Revision ID: 0002_content_addressed
Revises: 0001_initial
"""

from __future__ import annotations

import json
import zlib

import sqlalchemy as sa
from alembic import op

from slidegen.store.content import (
    CONTENT_FORMAT,
    LEGACY_CONTENT_FORMAT,
    piece_of,
    store_pieces,
)

revision = "0002_content_addressed"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_versions = sa.table(
    "deck_versions",
    sa.column("deck_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("content_format", sa.String),
    sa.column("content", sa.LargeBinary),
)


def upgrade() -> None:
    op.create_table(
        "deck_blobs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column(
            "deck_id",
            sa.String(32),
            sa.ForeignKey("decks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("deck_id", "sha256", name="uq_deck_blobs_deck_sha256"),
        sqlite_autoincrement=True,
    )
    conn = op.get_bind()
    deck_ids = conn.execute(
        sa.select(_versions.c.deck_id)
        .where(_versions.c.content_format == LEGACY_CONTENT_FORMAT)
        .distinct()
    ).scalars()
    for deck_id in list(deck_ids):
        _convert_deck(conn, deck_id)


def _convert_deck(conn: sa.Connection, deck_id: str) -> None:
    rows = conn.execute(
        sa.select(_versions.c.version, _versions.c.content).where(
            _versions.c.deck_id == deck_id,
            _versions.c.content_format == LEGACY_CONTENT_FORMAT,
        )
    ).all()
    for row in rows:
        body = json.loads(zlib.decompress(row.content))
        pieces = [piece_of(slide) for slide in body.get("slides", ())]
        pieces.append(piece_of({"styles": body.get("styles", "")}))
        ids = store_pieces(conn, deck_id, pieces)
        refs = {"title": body["title"], "styles": ids[-1], "slides": ids[:-1]}
        conn.execute(
            _versions.update()
            .where(_versions.c.deck_id == deck_id, _versions.c.version == row.version)
            .values(
                content_format=CONTENT_FORMAT,
                content=zlib.compress(json.dumps(refs, separators=(",", ":")).encode(), 6),
            )
        )


def downgrade() -> None:
    conn = op.get_bind()
    blobs = sa.table(
        "deck_blobs",
        sa.column("id", sa.Integer),
        sa.column("deck_id", sa.String),
        sa.column("content", sa.LargeBinary),
    )
    rows = conn.execute(
        sa.select(_versions.c.deck_id, _versions.c.version, _versions.c.content).where(
            _versions.c.content_format == CONTENT_FORMAT
        )
    ).all()
    for row in rows:
        refs = json.loads(zlib.decompress(row.content))
        wanted = [*refs["slides"], refs["styles"]]
        found = {
            r.id: json.loads(zlib.decompress(r.content))
            for r in conn.execute(
                sa.select(blobs.c.id, blobs.c.content).where(
                    blobs.c.deck_id == row.deck_id, blobs.c.id.in_(wanted)
                )
            )
        }
        body = {
            "title": refs["title"],
            "styles": found[refs["styles"]]["styles"],
            "slides": [found[i] for i in refs["slides"]],
        }
        conn.execute(
            _versions.update()
            .where(_versions.c.deck_id == row.deck_id, _versions.c.version == row.version)
            .values(
                content_format=LEGACY_CONTENT_FORMAT,
                content=zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 6),
            )
        )
    op.drop_table("deck_blobs")
