"""Offers, their skills and stored embeddings: the schema ``create_all`` built before migrations.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(length=50), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("company_name", sa.String(length=255), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("commune_code", sa.String(length=10), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("contract_type", sa.String(length=10), nullable=False),
        sa.Column("contract_label", sa.String(length=100), nullable=True),
        sa.Column("alternance", sa.Boolean(), nullable=False),
        sa.Column("experience_code", sa.String(length=2), nullable=True),
        sa.Column("experience_required", sa.String(length=100), nullable=True),
        sa.Column("experience_months", sa.Integer(), nullable=True),
        sa.Column("rome_code", sa.String(length=10), nullable=True),
        sa.Column("rome_label", sa.String(length=255), nullable=True),
        sa.Column("appellation", sa.String(length=255), nullable=True),
        sa.Column("sector", sa.String(length=255), nullable=True),
        sa.Column("qualification", sa.String(length=100), nullable=True),
        sa.Column("salary_label", sa.String(length=255), nullable=True),
        sa.Column("salary_min_monthly", sa.Float(), nullable=True),
        sa.Column("salary_max_monthly", sa.Float(), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("offers_pkey")),
    )
    op.create_index(op.f("ix_offers_external_id"), "offers", ["external_id"], unique=True)
    op.create_index(op.f("ix_offers_department"), "offers", ["department"])
    op.create_index(op.f("ix_offers_contract_type"), "offers", ["contract_type"])
    op.create_index(op.f("ix_offers_rome_code"), "offers", ["rome_code"])
    op.create_index(op.f("ix_offers_published_at"), "offers", ["published_at"])

    op.create_table(
        "offer_skills",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("code", sa.String(length=20), nullable=True),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("offer_skills_offer_id_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("offer_skills_pkey")),
    )
    op.create_index(op.f("ix_offer_skills_offer_id"), "offer_skills", ["offer_id"])
    op.create_index(op.f("ix_offer_skills_key"), "offer_skills", ["key"])

    op.create_table(
        "embeddings",
        sa.Column("collection", sa.String(length=20), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("collection", "doc_id", "model_id", name=op.f("embeddings_pkey")),
    )
    op.create_index(op.f("ix_embeddings_model"), "embeddings", ["collection", "model_id"])


def downgrade() -> None:
    op.drop_table("embeddings")
    op.drop_table("offer_skills")
    op.drop_table("offers")
