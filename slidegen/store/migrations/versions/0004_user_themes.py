"""User themes: `user_themes`, one row per theme a user saved for all their decks.

A theme row is the theme's JSON (`slidegen.deck.themes.Theme.to_dict`); decks keep their own
copy of the theme they use, so nothing else refers to these rows.

Revision ID: 0004_user_themes
Revises: 0003_deck_sharing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_user_themes"
down_revision = "0003_deck_sharing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_themes",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_user_themes_owner", "user_themes", ["owner", "name"])


def downgrade() -> None:
    op.drop_index("ix_user_themes_owner", table_name="user_themes")
    op.drop_table("user_themes")
