"""Candidates: the searchable profile, and personal data kept in a table of its own.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(length=50), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("stored_file", sa.String(length=255), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contracts", sa.JSON(), nullable=False),
        sa.Column("remote", sa.Boolean(), nullable=True),
        sa.Column("experience_months", sa.Integer(), nullable=True),
        sa.Column("education_level", sa.String(length=20), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("candidates_pkey")),
    )
    op.create_index(op.f("ix_candidates_external_id"), "candidates", ["external_id"], unique=True)
    op.create_index(op.f("ix_candidates_file_sha256"), "candidates", ["file_sha256"])
    op.create_index(op.f("ix_candidates_department"), "candidates", ["department"])

    op.create_table(
        "candidate_personal_data",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("candidate_personal_data_candidate_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("candidate_personal_data_pkey")),
    )


def downgrade() -> None:
    op.drop_table("candidate_personal_data")
    op.drop_table("candidates")
