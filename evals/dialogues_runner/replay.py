"""Replaying dialogues through the real graph and tools, one fresh thread each, and scoring every turn."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from agent.context import AgentContext
from agent.graph import build_graph
from agent.session import attach_cv, run_turn
from evals.dialogues_runner.checks import Observation, ToolOutcome, TurnScore, score_turn
from evals.dialogues_runner.facts import PlaceResolver, StoreFacts
from evals.dialogues_runner.spec import FIXTURES_DIR, Dialogue, Suite
from tools.uploads import UploadedCVs


@dataclass
class TurnRecord:
    """One replayed turn: what was said, what the agent did, how it scored."""

    dialogue: str
    index: int
    say: str
    answer: str
    tools: list[dict[str, Any]]
    score: TurnScore


@dataclass
class DialogueRecord:
    suite: str
    dialogue: Dialogue
    turns: list[TurnRecord] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(t.score.passed for t in self.turns)

    def failures(self) -> list[str]:
        return [f"turn {t.index + 1}: {f}" for t in self.turns for f in t.score.failures]


class Replayer:
    """Replays dialogues with one agent context (the live services) and one in-memory checkpointer."""

    def __init__(self, context: AgentContext, facts: StoreFacts, places: PlaceResolver, uploads: UploadedCVs):
        self.context = context
        self.facts = facts
        self.places = places
        self.uploads = uploads
        self.graph = build_graph(checkpointer=InMemorySaver())

    async def suite(self, suite: Suite) -> list[DialogueRecord]:
        return [await self.dialogue(suite.suite, d) for d in suite.dialogues]

    async def dialogue(self, suite: str, dialogue: Dialogue) -> DialogueRecord:
        record = DialogueRecord(suite=suite, dialogue=dialogue)
        thread_id = f"eval-{dialogue.id}-{uuid.uuid4().hex[:8]}"
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        cv_turn = dialogue.cv_turn()
        for i, turn in enumerate(dialogue.turns):
            text = turn.say
            if i == cv_turn and dialogue.cv is not None:
                text = await asyncio.to_thread(attach_cv, text, FIXTURES_DIR / dialogue.cv, self.uploads)
            result = await run_turn(self.graph, self.context, text, thread_id=thread_id, role=dialogue.role)
            state = (await self.graph.aget_state(config)).values
            tools = _turn_tools(state["messages"])
            seen = Observation(
                answer=result.answer,
                tools=tools,
                cited_ids=result.cited_ids,
                flagged_ids=result.flagged_ids,
                thread_ids=set(state.get("known_ids", [])),
                latency_ms=result.elapsed_ms,
            )
            score = score_turn(
                turn.expect, seen, language=dialogue.language, facts=self.facts, places=self.places
            )
            record.turns.append(
                TurnRecord(
                    dialogue=dialogue.id,
                    index=i,
                    say=text,
                    answer=result.answer,
                    tools=[
                        {"name": t.name, "args": t.args, "status": t.status, "ids": t.ids[:20]} for t in tools
                    ],
                    score=score,
                )
            )
        return record


def _turn_tools(messages: list[Any]) -> list[ToolOutcome]:
    """The last turn's tool calls with their results, in call order."""
    start = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    calls: list[ToolOutcome] = []
    by_id: dict[str, ToolOutcome] = {}
    for message in messages[start + 1 :]:
        for call in getattr(message, "tool_calls", None) or []:
            outcome = ToolOutcome(name=call["name"], args=dict(call["args"]), status="pending", content="")
            calls.append(outcome)
            by_id[call["id"] or ""] = outcome
        if isinstance(message, ToolMessage) and message.tool_call_id in by_id:
            outcome = by_id[message.tool_call_id]
            outcome.status = message.status
            outcome.content = str(message.content)
            outcome.artifact = message.artifact if isinstance(message.artifact, dict) else None
    return calls
