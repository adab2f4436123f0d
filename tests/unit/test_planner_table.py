"""The offline planner on a table of French and English requests (``test_planner_table.yaml``).

Each case gives a user message and the conversation facts before it; the planner must call the expected
tool with exactly the expected arguments, or answer without tools for the expected reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from agent.briefing import read_briefing, system_message
from agent.planner import OfflinePlanner
from agent.planner.decide import TurnPlan
from agent.state import State
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from services.utterance import UtteranceReader
from services.utterance.reading import job_title_words
from tools import tools_for

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_suffix(".yaml")).read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def planner() -> OfflinePlanner:
    reader = UtteranceReader(
        default_gazetteer().load(), default_skill_taxonomy().load(), job_words=job_title_words(default_rome())
    )
    return OfflinePlanner(reader=reader)


def _conversation(case: dict[str, Any]) -> tuple[State, list[BaseMessage]]:
    facts = case.get("state") or {}
    state = State(
        role=case.get("role", "candidate"),
        active_search=facts.get("active"),
        last_result_ids=[str(i) for i in facts.get("last", [])],
        focus_ids=[str(i) for i in facts.get("focus", [])],
        cv_id=facts.get("cv_id"),
    )
    return state, [system_message(state), HumanMessage(case["say"])]


def _plan(planner: OfflinePlanner, case: dict[str, Any]) -> tuple[TurnPlan, AIMessage]:
    state, messages = _conversation(case)
    bound = planner.bind_tools(tools_for(state.role))
    assert isinstance(bound, OfflinePlanner)
    return bound.plan(messages, 1, read_briefing(messages)), bound.next_message(messages)


def test_table_is_large_and_ids_are_unique() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 150
    assert len(set(ids)) == len(ids)
    assert sum(1 for c in CASES if c["id"].startswith(("en-", "fu-en")) or "en" in c["id"].split("-")) >= 25
    assert sum(1 for c in CASES if c.get("state")) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_planner_table(planner: OfflinePlanner, case: dict[str, Any]) -> None:
    plan, message = _plan(planner, case)
    expect = case["expect"]
    if "reply" in expect:
        assert plan.reply == expect["reply"], plan
        assert not message.tool_calls
        return
    if "reply_intent" in expect:
        assert plan.intent == expect["reply_intent"], plan
        assert not message.tool_calls
        return
    assert plan.steps, f"no tool call planned: {plan}"
    if "tools" in expect:
        assert [s["tool"] for s in plan.steps] == expect["tools"]
    if "tool" in expect:
        first = plan.steps[0]
        assert first["tool"] == expect["tool"], plan
        if "args" in expect:
            assert first["args"] == expect["args"]
        call = message.tool_calls[0]
        assert (call["name"], call["args"]) == (first["tool"], first["args"])
    if "then" in expect:
        second = plan.steps[1]
        assert (second["tool"], second["args"]) == (expect["then"]["tool"], expect["then"]["args"])


@pytest.mark.parametrize(
    ("say", "language"),
    [("here is my resume [file: upload-en.pdf]", "en"), ("voici mon CV [fichier: upload-fr.pdf]", None)],
)
def test_explaining_tools_get_the_answer_language(
    planner: OfflinePlanner, say: str, language: str | None
) -> None:
    """English turns ask score_match for English explanations; French ones keep the tool's default."""
    plan, _ = _plan(planner, {"say": say})
    score = next(s for s in plan.steps if s["tool"] == "score_match")
    assert score["args"].get("language") == language
