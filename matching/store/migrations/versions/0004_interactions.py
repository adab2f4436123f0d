"""Offer interactions (seed 000's OfferInteraction) and the UI's conversation history. Owned by the UI work.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # tables added with the UI


def downgrade() -> None:
    pass
