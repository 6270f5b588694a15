"""Initial schema: decks, deck_versions (append-only snapshots), chat_messages.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "decks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("head_version", sa.Integer, nullable=False),
        sa.Column("slide_count", sa.Integer, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("deleted_at", _TS, nullable=True),
    )
    op.create_index("ix_decks_owner_updated", "decks", ["owner", "updated_at"])
    op.create_table(
        "deck_versions",
        sa.Column(
            "deck_id",
            sa.String(32),
            sa.ForeignKey("decks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("slide_count", sa.Integer, nullable=False),
        sa.Column("undo_to", sa.Integer, nullable=True),
        sa.Column("redo_to", sa.Integer, nullable=True),
        sa.Column("content_format", sa.String(16), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "chat_messages",
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
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("trace_id", sa.String(128), nullable=True),
        sa.Column("meta", sa.Text, nullable=True),
    )
    op.create_index("ix_chat_messages_deck", "chat_messages", ["deck_id", "id"])


def downgrade() -> None:
    op.drop_table("chat_messages")
    op.drop_table("deck_versions")
    op.drop_index("ix_decks_owner_updated", table_name="decks")
    op.drop_table("decks")
