"""Offer interactions (seed 000's OfferInteraction) and the chat UI's conversation history (Chainlit tables).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("createdAt", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_users_pkey")),
        sa.UniqueConstraint("identifier", name=op.f("chat_users_identifier_key")),
    )
    op.create_table(
        "offer_interactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("offer_external_id", sa.String(length=50), nullable=False),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.Column("viewed", sa.Boolean(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_spent_seconds", sa.Integer(), nullable=False),
        sa.Column("saved", sa.Boolean(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("got_interview", sa.Boolean(), nullable=True),
        sa.Column("got_hired", sa.Boolean(), nullable=True),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("offer_interactions_pkey")),
        sa.UniqueConstraint("user_id", "offer_external_id", name=op.f("offer_interactions_user_id_key")),
    )
    op.create_index(
        op.f("ix_offer_interactions_offer_external_id"),
        "offer_interactions",
        ["offer_external_id"],
        unique=False,
    )
    op.create_index(op.f("ix_offer_interactions_user_id"), "offer_interactions", ["user_id"], unique=False)
    op.create_table(
        "chat_threads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("createdAt", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("userId", sa.String(length=36), nullable=True),
        sa.Column("userIdentifier", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["userId"], ["chat_users.id"], name=op.f("chat_threads_userId_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_threads_pkey")),
    )
    op.create_index(op.f("ix_chat_threads_userId"), "chat_threads", ["userId"], unique=False)
    op.create_table(
        "chat_elements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("threadId", sa.String(length=36), nullable=True),
        sa.Column("type", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("chainlitKey", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("display", sa.Text(), nullable=True),
        sa.Column("objectKey", sa.Text(), nullable=True),
        sa.Column("size", sa.Text(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("forId", sa.String(length=36), nullable=True),
        sa.Column("mime", sa.Text(), nullable=True),
        sa.Column("props", sa.JSON(), nullable=True),
        sa.Column("autoPlay", sa.Boolean(), nullable=True),
        sa.Column("playerConfig", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["threadId"], ["chat_threads.id"], name=op.f("chat_elements_threadId_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_elements_pkey")),
    )
    op.create_index(op.f("ix_chat_elements_threadId"), "chat_elements", ["threadId"], unique=False)
    op.create_table(
        "chat_feedbacks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("forId", sa.String(length=36), nullable=False),
        sa.Column("threadId", sa.String(length=36), nullable=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["threadId"], ["chat_threads.id"], name=op.f("chat_feedbacks_threadId_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_feedbacks_pkey")),
    )
    op.create_index(op.f("ix_chat_feedbacks_forId"), "chat_feedbacks", ["forId"], unique=False)
    op.create_table(
        "chat_steps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("threadId", sa.String(length=36), nullable=False),
        sa.Column("parentId", sa.String(length=36), nullable=True),
        sa.Column("streaming", sa.Boolean(), nullable=False),
        sa.Column("waitForAnswer", sa.Boolean(), nullable=True),
        sa.Column("isError", sa.Boolean(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True),
        sa.Column("input", sa.Text(), nullable=True),
        sa.Column("output", sa.Text(), nullable=True),
        sa.Column("createdAt", sa.Text(), nullable=True),
        sa.Column("command", sa.Text(), nullable=True),
        sa.Column("modes", sa.JSON(), nullable=True),
        sa.Column("start", sa.Text(), nullable=True),
        sa.Column("end", sa.Text(), nullable=True),
        sa.Column("generation", sa.JSON(), nullable=True),
        sa.Column("showInput", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("icon", sa.Text(), nullable=True),
        sa.Column("indent", sa.Integer(), nullable=True),
        sa.Column("defaultOpen", sa.Boolean(), nullable=True),
        sa.Column("autoCollapse", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["threadId"], ["chat_threads.id"], name=op.f("chat_steps_threadId_fkey"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("chat_steps_pkey")),
    )
    op.create_index(op.f("ix_chat_steps_threadId"), "chat_steps", ["threadId"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_chat_steps_threadId"), table_name="chat_steps")
    op.drop_table("chat_steps")
    op.drop_index(op.f("ix_chat_feedbacks_forId"), table_name="chat_feedbacks")
    op.drop_table("chat_feedbacks")
    op.drop_index(op.f("ix_chat_elements_threadId"), table_name="chat_elements")
    op.drop_table("chat_elements")
    op.drop_index(op.f("ix_chat_threads_userId"), table_name="chat_threads")
    op.drop_table("chat_threads")
    op.drop_index(op.f("ix_offer_interactions_user_id"), table_name="offer_interactions")
    op.drop_index(op.f("ix_offer_interactions_offer_external_id"), table_name="offer_interactions")
    op.drop_table("offer_interactions")
    op.drop_table("chat_users")
