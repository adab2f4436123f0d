"""Ids are never reused: the highest id each table ever used is kept, and SQLite allocates above it.

SQLite gives a new row ``max(rowid) + 1``, so deleting the newest candidate handed its id to the next
CV (and a stale index entry keyed by that id would then point at another person). The triggers record
the id of every deleted row; ``store.db.next_id`` allocates above it. PostgreSQL sequences never go
back, so there the table stays empty.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("offers", "candidates")


def upgrade() -> None:
    # A database made by ``create_all`` from the current models and adopted earlier has the table already.
    if "id_watermarks" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "id_watermarks",
            sa.Column("name", sa.String(length=40), nullable=False),
            sa.Column("last_id", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("id_watermarks_pkey")),
        )
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        op.execute(
            f"""CREATE TRIGGER IF NOT EXISTS {table}_id_watermark AFTER DELETE ON {table} BEGIN
                INSERT OR REPLACE INTO id_watermarks (name, last_id) VALUES ('{table}', max(OLD.id,
                    coalesce((SELECT last_id FROM id_watermarks WHERE name = '{table}'), 0)));
            END"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_id_watermark")
    op.drop_table("id_watermarks")
