"""Match cache: results per profile with computed_at (seed 000). Owned by the HTTP API work.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_cache_entries",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("cv_sha256", sa.String(length=64), nullable=False),
        sa.Column("profile_hash", sa.String(length=64), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("match_cache_entries_candidate_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("match_cache_entries_pkey")),
    )
    op.create_table(
        "match_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("offer_external_id", sa.String(length=50), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["match_cache_entries.candidate_id"],
            name=op.f("match_results_candidate_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("match_results_pkey")),
        sa.UniqueConstraint("candidate_id", "offer_external_id", name=op.f("match_results_candidate_id_key")),
    )
    op.create_index("ix_match_results_candidate_rank", "match_results", ["candidate_id", "rank"])


def downgrade() -> None:
    op.drop_index("ix_match_results_candidate_rank", table_name="match_results")
    op.drop_table("match_results")
    op.drop_table("match_cache_entries")
