"""Conversation history of the chat UI: the tables Chainlit's SQL data layer reads and writes.

The columns are Chainlit's own (camelCase, quoted in its SQL), under ``chat_``-prefixed table names so that
they cannot clash with Bassin's tables in the shared database (``ui.data_layer`` maps the names). Ids are
UUID strings; JSON columns receive JSON text from the data layer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base

_ID = 36


class ChatUserRow(Base):
    """A UI user (identifier = login name); roles live in its metadata."""

    __tablename__ = "chat_users"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    identifier: Mapped[str] = mapped_column(Text, unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    createdAt: Mapped[str | None] = mapped_column(Text)


class ChatThreadRow(Base):
    """A conversation; its id is also the agent's LangGraph thread id."""

    __tablename__ = "chat_threads"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    createdAt: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    userId: Mapped[str | None] = mapped_column(
        String(_ID), ForeignKey("chat_users.id", ondelete="CASCADE"), index=True
    )
    userIdentifier: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[Any | None] = mapped_column(JSON)
    meta: Mapped[Any | None] = mapped_column("metadata", JSON)


class ChatStepRow(Base):
    """A message or a step (tool call) of a conversation."""

    __tablename__ = "chat_steps"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    threadId: Mapped[str] = mapped_column(
        String(_ID), ForeignKey("chat_threads.id", ondelete="CASCADE"), index=True
    )
    parentId: Mapped[str | None] = mapped_column(String(_ID))
    streaming: Mapped[bool] = mapped_column(Boolean)
    waitForAnswer: Mapped[bool | None] = mapped_column(Boolean)
    isError: Mapped[bool | None] = mapped_column(Boolean)
    meta: Mapped[Any | None] = mapped_column("metadata", JSON)
    tags: Mapped[Any | None] = mapped_column(JSON)
    input: Mapped[str | None] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    createdAt: Mapped[str | None] = mapped_column(Text)
    command: Mapped[str | None] = mapped_column(Text)
    modes: Mapped[Any | None] = mapped_column(JSON)
    start: Mapped[str | None] = mapped_column(Text)
    end: Mapped[str | None] = mapped_column(Text)
    generation: Mapped[Any | None] = mapped_column(JSON)
    showInput: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(Text)
    icon: Mapped[str | None] = mapped_column(Text)
    indent: Mapped[int | None] = mapped_column(Integer)
    defaultOpen: Mapped[bool | None] = mapped_column(Boolean)
    autoCollapse: Mapped[bool | None] = mapped_column(Boolean)


class ChatElementRow(Base):
    """A file, chart or custom element attached to a step."""

    __tablename__ = "chat_elements"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    threadId: Mapped[str | None] = mapped_column(
        String(_ID), ForeignKey("chat_threads.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    chainlitKey: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    display: Mapped[str | None] = mapped_column(Text)
    objectKey: Mapped[str | None] = mapped_column(Text)
    size: Mapped[str | None] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(Text)
    forId: Mapped[str | None] = mapped_column(String(_ID))
    mime: Mapped[str | None] = mapped_column(Text)
    props: Mapped[Any | None] = mapped_column(JSON)
    autoPlay: Mapped[bool | None] = mapped_column(Boolean)
    playerConfig: Mapped[Any | None] = mapped_column(JSON)


class ChatFeedbackRow(Base):
    """A thumbs up (1) or down (0) on a message, with an optional comment."""

    __tablename__ = "chat_feedbacks"

    id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    forId: Mapped[str] = mapped_column(String(_ID), index=True)
    threadId: Mapped[str | None] = mapped_column(
        String(_ID), ForeignKey("chat_threads.id", ondelete="CASCADE")
    )
    value: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
