"""Match cache: results per profile with computed_at (seed 000). Owned by the HTTP API work.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # tables added with the match cache


def downgrade() -> None:
    pass
