"""Sharing: `deck_grants`, one row per (deck, principal) with a level (viewer or editor).

A principal is a workspace user (by e-mail, stored lower-case) or a group (by display name).
The owner is not a grant: ownership stays `decks.owner`. Grants go with their deck (the purge
removes them with it; PostgreSQL also cascades).

Revision ID: 0003_deck_sharing
Revises: 0002_content_addressed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_deck_sharing"
down_revision = "0002_content_addressed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deck_grants",
        sa.Column(
            "deck_id",
            sa.String(32),
            sa.ForeignKey("decks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("principal_kind", sa.String(8), primary_key=True),
        sa.Column("principal", sa.String(255), primary_key=True),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("granted_by", sa.String(255), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("principal_kind IN ('user', 'group')", name="ck_deck_grants_kind"),
        sa.CheckConstraint("level IN ('viewer', 'editor')", name="ck_deck_grants_level"),
    )
    # "Shared with me": the grants naming one principal.
    op.create_index("ix_deck_grants_principal", "deck_grants", ["principal_kind", "principal"])


def downgrade() -> None:
    op.drop_index("ix_deck_grants_principal", table_name="deck_grants")
    op.drop_table("deck_grants")
