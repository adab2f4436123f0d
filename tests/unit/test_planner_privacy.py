"""Issue 19 (item 6): personal data typed in chat never becomes a search query or any tool argument."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import HumanMessage

from agent.briefing import system_message
from agent.planner import OfflinePlanner
from agent.state import State
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from services.utterance import UtteranceReader
from services.utterance.reading import job_title_words
from tools import tools_for

SAID = [
    "Je m'appelle Marie Dupont, marie.dupont@example.fr, 06 12 34 56 78 : je cherche un CDI de développeuse "
    "python à Lyon",
    "Bonjour, moi c'est Karim Benali (karim.benali@exemple.fr, +33 6 98 76 54 32), cariste à Lille",
    "My name is John Smith, john.smith@example.com, looking for a nurse job in Paris",
]
PERSONAL = [
    "marie",
    "dupont",
    "example.fr",
    "56 78",
    "karim",
    "benali",
    "exemple.fr",
    "54 32",
    "john",
    "smith",
]


@pytest.fixture(scope="module")
def planner() -> OfflinePlanner:
    reader = UtteranceReader(
        default_gazetteer().load(), default_skill_taxonomy().load(), job_words=job_title_words(default_rome())
    )
    return OfflinePlanner(reader=reader)


@pytest.mark.parametrize("said", SAID)
def test_personal_data_is_never_a_tool_argument(planner: OfflinePlanner, said: str) -> None:
    state = State(role="candidate")
    messages = [system_message(state), HumanMessage(said)]
    bound = planner.bind_tools(tools_for("candidate"))
    assert isinstance(bound, OfflinePlanner)
    message = bound.next_message(messages)
    assert message.tool_calls, "the request part is still searched"
    args = json.dumps([c["args"] for c in message.tool_calls], ensure_ascii=False).casefold()
    assert not [p for p in PERSONAL if p in args], args
    assert message.tool_calls[0]["args"].get("query")  # the job itself is still searched for
