"""The system message the ``plan`` node builds each step: instructions plus the conversation's facts.

The facts (role, active search, last result ids, CV id) are ids and filters only, rendered as JSON inside
``<conversation_state>``: an LLM reads them to resolve follow-ups, the offline planner parses them back.
Text from CVs and offers never enters this message; it reaches the model only inside tool results.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, SystemMessage

from agent.state import State
from domain.vocabulary import Role
from prompts import load_prompt

_BLOCK = re.compile(r"<conversation_state>\s*(\{.*?\})\s*</conversation_state>", re.DOTALL)


@dataclass(frozen=True)
class Briefing:
    """The conversation facts a model needs to plan the next step."""

    role: Role = "candidate"
    active_search: dict[str, Any] | None = None
    last_result_ids: list[str] = field(default_factory=list)
    focus_ids: list[str] = field(default_factory=list)
    cv_id: str | None = None

    @classmethod
    def of(cls, state: State) -> Briefing:
        return cls(
            role=state.role,
            active_search=state.active_search,
            last_result_ids=list(state.last_result_ids),
            focus_ids=list(state.focus_ids),
            cv_id=state.cv_id,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "role": self.role,
                "active_search": self.active_search,
                "last_result_ids": self.last_result_ids,
                "focus_ids": self.focus_ids,
                "cv_id": self.cv_id,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


def system_message(state: State) -> SystemMessage:
    """Instructions for the user's role, then the facts block."""
    briefing = Briefing.of(state)
    prompt = load_prompt("system_recruiter" if state.role == "recruiter" else "system_candidate")
    return SystemMessage(
        content=f"{prompt}\n\n<conversation_state>\n{briefing.to_json()}\n</conversation_state>"
    )


def read_briefing(messages: list[BaseMessage]) -> Briefing:
    """The facts block of the first system message; an empty briefing when there is none."""
    for message in messages:
        if isinstance(message, SystemMessage) and isinstance(message.content, str):
            match = _BLOCK.search(message.content)
            if match:
                data = json.loads(match.group(1))
                return Briefing(
                    role="recruiter" if data.get("role") == "recruiter" else "candidate",
                    active_search=data.get("active_search"),
                    last_result_ids=list(data.get("last_result_ids") or []),
                    focus_ids=list(data.get("focus_ids") or []),
                    cv_id=data.get("cv_id"),
                )
    return Briefing()
