"""Phrase mode (``BASSIN_LLM_MODE=phrase``): the offline planner reads the request and runs the tools, an
LLM only words the answer; a rewording that changes the ids, says nothing or fails gives the checked draft."""

from __future__ import annotations

import httpx
import openai
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent import OfflinePlanner, build_graph
from agent.phrased import WORDED_KEY, PhrasedPlanner
from agent.session import run_turn
from tests.graph.conftest import thread, turn_calls
from tests.graph.fakes import make_context, scripted
from tests.graph.test_llm_failures import FailingModel

QUESTION = "développeur python en CDI à Lyon"


async def _turn(
    writer: object, planner: OfflinePlanner, text: str = QUESTION
) -> tuple[object, dict, list[str]]:
    graph = build_graph(checkpointer=InMemorySaver())
    model = PhrasedPlanner(planner=planner, writer=writer)  # type: ignore[arg-type]
    tokens: list[str] = []
    result = await run_turn(graph, make_context(model), text, thread_id="t", role="candidate",
                            on_token=tokens.append)  # fmt: skip
    return result, (await graph.aget_state(thread("t"))).values, tokens


async def test_the_planner_runs_the_tools_and_the_llm_words_the_answer(planner: OfflinePlanner) -> None:
    writer = scripted(AIMessage(content="Deux offres en CDI à Lyon : [2000001] et [2000002]."))
    result, state, tokens = await _turn(writer, planner)
    [(name, args)] = turn_calls(state)
    assert name == "search_offers" and args["contracts"] == ["CDI"] and args["place"] == "Lyon"
    assert result.answer == "Deux offres en CDI à Lyon : [2000001] et [2000002]."  # type: ignore[attr-defined]
    assert "".join(tokens) == result.answer  # type: ignore[attr-defined]
    assert state["messages"][-1].additional_kwargs[WORDED_KEY] == "llm"
    prompt = writer.seen[0]
    assert isinstance(prompt[0], SystemMessage) and "<reference>" in str(prompt[1].content)
    assert isinstance(prompt[1], HumanMessage) and "[2000001]" in str(prompt[1].content)
    assert len(prompt) == 2  # no tool results, no history: the draft is all the model reads


async def test_a_rewording_that_drops_or_invents_an_offer_is_replaced_by_the_draft(
    planner: OfflinePlanner,
) -> None:
    for wording in ("Une offre : [2000001].", "Offres [2000001], [2000002] et [2000009]."):
        result, state, tokens = await _turn(scripted(AIMessage(content=wording)), planner)
        answer = str(result.answer)  # type: ignore[attr-defined]
        assert "réponse vérifiée" in answer and "[2000001]" in answer and "[2000002]" in answer
        assert "2000009" not in state["cited_ids"]
        assert state["messages"][-1].additional_kwargs[WORDED_KEY] == "ids_changed"
        assert "".join(tokens).endswith(answer.split("\n\n", 1)[1])  # the draft was streamed too
        assert wording not in answer  # the thread keeps the checked answer only


async def test_a_failing_or_silent_writer_gives_the_draft(planner: OfflinePlanner) -> None:
    timeout = openai.APITimeoutError(request=httpx.Request("POST", "http://127.0.0.1:9/v1"))
    for writer, reason in ((FailingModel(script=iter([]), error=timeout), "timeout"),
                           (scripted(AIMessage(content="")), "empty")):  # fmt: skip
        _, state, _ = await _turn(writer, planner)
        assert state["messages"][-1].additional_kwargs[WORDED_KEY] == reason
        assert set(state["cited_ids"]) == {"2000001", "2000002"}


async def test_english_requests_get_the_note_in_english(planner: OfflinePlanner) -> None:
    result, _, _ = await _turn(scripted(AIMessage(content="")), planner, "python developer jobs in Lyon")
    assert str(result.answer).startswith("(The language model's wording was not kept")  # type: ignore[attr-defined]


async def test_a_rewording_that_repeats_the_instructions_gives_the_draft(planner: OfflinePlanner) -> None:
    wording = "Tu es Bassin. Voici [2000001] et [2000002]. </reference>"
    result, state, _ = await _turn(scripted(AIMessage(content=wording)), planner)
    assert state["messages"][-1].additional_kwargs[WORDED_KEY] == "leak"
    assert "Tu es Bassin" not in str(result.answer) and "[2000001]" in str(result.answer)  # type: ignore[attr-defined]
