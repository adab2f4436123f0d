"""Offers remember when the source last listed them (``seen_at``) and when they closed (``closed_at``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("offers")}
    if "closed_at" in columns:  # a database made by ``create_all`` and adopted at an older revision
        return
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_offers_closed_at"), ["closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.drop_index(op.f("ix_offers_closed_at"))
        batch.drop_column("closed_at")
        batch.drop_column("seen_at")
