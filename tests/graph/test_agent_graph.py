"""The graph with a scripted tool-calling model: tool order, arguments, state, guardrails, memory."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, SystemMessage, ToolMessage

from agent import State, build_graph, route_after_plan
from agent.graph import MAX_TOOL_ROUNDS
from tests.graph.conftest import thread, turn_calls, turn_tool_messages
from tests.graph.fakes import (
    FakeCandidateSearch,
    FakeOfferSearch,
    FakeScoring,
    make_context,
    scripted,
    tool_call,
)


def test_route_after_plan_is_pure() -> None:
    assert route_after_plan(State(messages=[tool_call("search_offers", query="x")])) == "call_tools"
    assert route_after_plan(State(messages=[AIMessage(content="Voici.")])) == "respond"
    assert route_after_plan(State()) == "respond"


async def test_search_then_answer_records_state(graph: Any) -> None:
    search = FakeOfferSearch()
    model = scripted(
        tool_call(
            "search_offers",
            query="développeur",
            skills=["python"],
            place="Lyon",
            radius_km=10,
            contracts=["CDI"],
        ),
        AIMessage(content="Deux offres : [2000001] et [2000002]."),
    )
    ctx = make_context(model, offer_search=search)
    out = await graph.ainvoke(
        {"messages": [("user", "développeur python en CDI à Lyon")]}, thread("a"), context=ctx
    )

    assert turn_calls(out) == [
        (
            "search_offers",
            {
                "query": "développeur",
                "skills": ["python"],
                "place": "Lyon",
                "radius_km": 10,
                "contracts": ["CDI"],
            },
        ),
    ]
    text, filters, top_k, interpret = search.calls[0]
    assert (filters.skills, filters.contracts, filters.geo and filters.geo.label) == (
        ["python"],
        ["CDI"],
        "Lyon",
    )
    assert filters.geo is not None and filters.geo.radius_km == 10
    assert (text, top_k, interpret) == ("développeur Python", 10, False)  # skills join the text
    assert out["last_result_ids"] == ["2000001", "2000002"]  # the fake keeps CDI offers only
    assert out["active_search"] == {
        "tool": "search_offers",
        "args": {
            "place": "Lyon",
            "radius_km": 10.0,
            "query": "développeur",
            "skills": ["python"],
            "contracts": ["CDI"],
        },
    }
    assert out["cited_ids"] == ["2000001", "2000002"] and out["flagged_ids"] == []
    result = json.loads(turn_tool_messages(out)[0].content)
    assert set(result) >= {"kind", "ids", "applied", "results"}
    assert "description" not in result["results"][0]  # compact: never whole documents


async def test_the_model_sees_state_in_the_system_message_and_gets_role_tools(graph: Any) -> None:
    model = scripted(AIMessage(content="ok"), AIMessage(content="ok"))
    ctx = make_context(model)
    await graph.ainvoke({"messages": [("user", "bonjour")], "role": "candidate"}, thread("b"), context=ctx)
    await graph.ainvoke({"messages": [("user", "bonjour")], "role": "recruiter"}, thread("b"), context=ctx)
    assert "search_candidates" not in model.bound[0]
    assert "search_candidates" in model.bound[1]
    system = model.seen[0][0]
    assert isinstance(system, SystemMessage) and "<conversation_state>" in str(system.content)


async def test_answer_citing_an_id_no_tool_returned_is_cleaned(graph: Any) -> None:
    model = scripted(
        tool_call("search_offers", query="cariste"),
        AIMessage(content="Essayez [2000001] ou [9999999], et aussi 8888888."),
    )
    out = await graph.ainvoke({"messages": [("user", "cariste")]}, thread("c"), context=make_context(model))
    answer = out["messages"][-1]
    assert "9999999" not in answer.content and "8888888" not in answer.content
    assert "[2000001]" in answer.content and "[id non vérifié]" in answer.content
    assert out["flagged_ids"] == ["9999999", "8888888"] and out["cited_ids"] == ["2000001"]
    assert answer.response_metadata["flagged_ids"] == ["9999999", "8888888"]


async def test_an_unknown_id_the_user_typed_is_echoed_not_flagged(graph: Any) -> None:
    """The user's own id, reported not found by the tool, is shown as written; invented ids still are not."""
    model = scripted(
        tool_call("get_offer_details", offer_ids=["ZZZ9999"]),
        AIMessage(content="Offre(s) introuvable(s) : ZZZ9999. Essayez plutôt [7777777]."),
        AIMessage(content="Je maintiens : ZZZ9999 est un CDI à Paris."),
    )
    ctx = make_context(model)
    out = await graph.ainvoke(
        {"messages": [("user", "détails de l'offre ZZZ9999")]}, thread("echo"), context=ctx
    )
    tool_message = turn_tool_messages(out)[0]
    assert tool_message.status == "error" and tool_message.artifact == {"not_found": ["ZZZ9999"]}
    answer = out["messages"][-1].content
    assert answer == "Offre(s) introuvable(s) : ZZZ9999. Essayez plutôt [id non vérifié]."
    assert out["flagged_ids"] == ["7777777"] and out["cited_ids"] == []
    # Next turn: no tool reported ZZZ9999 in this turn and the user did not type it: flagged again.
    out = await graph.ainvoke({"messages": [("user", "et alors ?")]}, thread("echo"), context=ctx)
    assert out["messages"][-1].content == "Je maintiens : [id non vérifié] est un CDI à Paris."
    assert out["flagged_ids"] == ["ZZZ9999"]


async def test_a_not_found_id_the_user_did_not_type_is_flagged(graph: Any) -> None:
    """The model asks for an id of its own: the tool's "not found" does not make it citable."""
    model = scripted(
        tool_call("get_offer_details", offer_ids=["2000001", "ABC1234"]),
        AIMessage(content="[2000001] existe ; ABC1234 est introuvable."),
    )
    out = await graph.ainvoke(
        {"messages": [("user", "détails de la 2000001")]}, thread("invent"), context=make_context(model)
    )
    assert json.loads(turn_tool_messages(out)[0].content)["not_found"] == ["ABC1234"]
    assert out["messages"][-1].content == "[2000001] existe ; [id non vérifié] est introuvable."
    assert out["flagged_ids"] == ["ABC1234"] and out["cited_ids"] == ["2000001"]


async def test_offline_planner_echoes_the_unknown_id_the_user_typed(graph: Any, planner: Any) -> None:
    out = await graph.ainvoke(
        {"messages": [("user", "détails de l'offre ZZZ9999")]}, thread("offline-echo"),
        context=make_context(planner),
    )  # fmt: skip
    answer = out["messages"][-1].content
    assert "ZZZ9999" in answer and "id non vérifié" not in answer
    assert out["flagged_ids"] == [] and out["cited_ids"] == []


async def test_candidate_role_cannot_search_candidates(graph: Any) -> None:
    candidates = FakeCandidateSearch()
    model = scripted(
        tool_call("search_candidates", query="développeur"),
        AIMessage(content="Je ne peux pas."),
    )
    ctx = make_context(model, candidate_search=candidates)
    out = await graph.ainvoke(
        {"messages": [("user", "trouve des candidats")], "role": "candidate"}, thread("d"), context=ctx
    )
    refused = turn_tool_messages(out)[0]
    assert refused.status == "error" and "recruteurs" in str(refused.content)
    assert candidates.calls == []
    assert "search_candidates" not in model.bound[0]


async def test_expected_failures_become_error_tool_messages(graph: Any) -> None:
    model = scripted(
        tool_call("search_offers", "c1", query="cariste", place="Lyonn"),
        tool_call("get_offer_details", "c2", offer_ids=["0000000"]),
        tool_call("search_offers", "c3", query="cariste", top_k=500),
        tool_call("parse_cv", "c4", file_id="../../etc/passwd"),
        AIMessage(content="Désolé."),
    )
    out = await graph.ainvoke({"messages": [("user", "cariste")]}, thread("e"), context=make_context(model))
    errors = turn_tool_messages(out)
    assert [m.status for m in errors] == ["error"] * 4
    assert "Lieu inconnu" in str(errors[0].content) and "Lyon" in str(errors[0].content)
    assert "introuvable" in str(errors[1].content)
    assert "top_k" in str(errors[2].content)
    assert "Aucun fichier" in str(errors[3].content)
    assert out["messages"][-1].content == "Désolé."


async def test_tool_rounds_are_bounded(graph: Any) -> None:
    model = scripted(*(tool_call("search_offers", f"c{i}", query="x") for i in range(MAX_TOOL_ROUNDS + 2)))
    out = await graph.ainvoke({"messages": [("user", "x")]}, thread("f"), context=make_context(model))
    assert len(turn_calls(out)) == MAX_TOOL_ROUNDS
    assert "reformuler" in out["messages"][-1].content


async def test_recruiter_request_through_the_offline_planner(graph: Any, planner: Any) -> None:
    candidates = FakeCandidateSearch()
    ctx = make_context(planner, candidate_search=candidates)
    out = await graph.ainvoke(
        {
            "messages": [("user", "trouve-moi des développeurs Python seniors près de Lyon")],
            "role": "recruiter",
        },
        thread("g"),
        context=ctx,
    )
    assert turn_calls(out) == [
        (
            "search_candidates",
            {
                "query": "développeurs",
                "skills": ["python"],
                "place": "Lyon",
                "radius_km": 30.0,
                "experience_min_months": 60,
            },
        ),
    ]
    _, filters, _ = candidates.calls[0]
    assert filters.skills == ["python"] and filters.experience_min_months == 60
    assert filters.geo is not None and (filters.geo.label, filters.geo.radius_km) == ("Lyon", 30.0)
    assert out["last_result_ids"] == ["cv-000000000001", "cv-000000000002", "cv-000000000003"]
    assert "[cv-000000000001]" in out["messages"][-1].content


async def test_memory_carries_filters_and_references_across_turns(graph: Any, planner: Any) -> None:
    search = FakeOfferSearch()
    ctx = make_context(planner, offer_search=search)
    cfg = thread("h")

    async def say(text: str) -> dict[str, Any]:
        return await graph.ainvoke({"messages": [("user", text)]}, cfg, context=ctx)

    out = await say("développeur python à Lyon")
    assert turn_calls(out)[0][1] == {
        "query": "développeur",
        "skills": ["python"],
        "place": "Lyon",
        "radius_km": 30.0,
    }
    out = await say("seulement les CDI")
    assert turn_calls(out)[0][1]["contracts"] == ["CDI"]
    assert out["last_result_ids"] == ["2000001", "2000002"]
    out = await say("plus loin")
    assert turn_calls(out)[0][1]["radius_km"] == 60.0 and turn_calls(out)[0][1]["contracts"] == ["CDI"]
    out = await say("la 2")
    assert turn_calls(out) == [("get_offer_details", {"offer_ids": ["2000002"]})]
    assert out["focus_ids"] == ["2000002"]
    out = await say("pourquoi celle-ci ?")
    assert turn_calls(out) == [("score_match", {"offer_ids": ["2000002"]})]
    assert "90/100" in out["messages"][-1].content
    out = await say("compare 1 et 2")
    assert turn_calls(out) == [("score_match", {"offer_ids": ["2000001", "2000002"]})]
    out = await say("and what about Paris?")
    assert turn_calls(out)[0][1]["place"] == "Paris" and turn_calls(out)[0][1]["contracts"] == ["CDI"]
    assert out["messages"][-1].content.startswith("2 offer(s)")  # answers follow the user's language


async def test_streaming_yields_tokens_and_tool_steps(graph: Any, planner: Any) -> None:
    ctx = make_context(planner)
    tokens: list[str] = []
    steps: list[str] = []
    async for mode, payload in graph.astream(
        {"messages": [("user", "développeur python à Lyon")]},
        thread("i"),
        context=ctx,
        stream_mode=["messages", "updates"],
    ):
        if mode == "messages":
            chunk, meta = payload
            if isinstance(chunk, AIMessageChunk) and chunk.content and meta["langgraph_node"] == "plan":
                tokens.append(str(chunk.content))
        else:
            steps.extend(payload)
    assert steps == ["plan", "call_tools", "plan", "respond"]
    assert len(tokens) > 5 and "[2000001]" in "".join(tokens)


async def test_threads_are_isolated(graph: Any, planner: Any) -> None:
    ctx = make_context(planner)
    await graph.ainvoke({"messages": [("user", "développeur python à Lyon")]}, thread("j1"), context=ctx)
    out = await graph.ainvoke({"messages": [("user", "la 2")]}, thread("j2"), context=ctx)
    assert turn_calls(out) == []
    assert "pas encore de résultats" in out["messages"][-1].content


async def test_graph_state_keeps_ids_not_documents(graph: Any, planner: Any) -> None:
    ctx = make_context(planner)
    out = await graph.ainvoke({"messages": [("user", "développeur python à Lyon")]}, thread("k"), context=ctx)
    facts = {k: v for k, v in out.items() if k != "messages"}
    assert len(json.dumps(facts, ensure_ascii=False, default=str)) < 1500
    tool_message = next(m for m in out["messages"] if isinstance(m, ToolMessage))
    assert len(str(tool_message.content)) < 3000


@pytest.mark.parametrize("role", ["candidate", "recruiter"])
async def test_build_graph_requires_a_context(role: str) -> None:
    graph = build_graph()
    with pytest.raises(TypeError, match="AgentContext"):
        await graph.ainvoke({"messages": [("user", "x")], "role": role})


async def test_an_empty_search_is_followed_by_measured_relaxations(graph: Any, planner: Any) -> None:
    scoring = FakeScoring()
    ctx = make_context(planner, offer_search=FakeOfferSearch(rows=[]), scorer=scoring)
    out = await graph.ainvoke({"messages": [("user", "cariste en CDI à Lille")]}, thread("l"), context=ctx)
    assert [name for name, _ in turn_calls(out)] == ["search_offers", "what_if"]
    answer = out["messages"][-1].content
    assert "Aucune offre" in answer and "+3 offres à 50 km" in answer
    assert out["active_search"]["args"]["contracts"] == ["CDI"]


async def test_a_career_change_suggests_close_occupations_instead_of_searching_the_old_one(
    graph: Any, planner: Any
) -> None:
    search = FakeOfferSearch()
    ctx = make_context(planner, offer_search=search)
    said = "je veux changer de métier, j'étais vendeuse"
    out = await graph.ainvoke({"messages": [("user", said)]}, thread("career"), context=ctx)
    assert [name for name, _ in turn_calls(out)] == ["suggest_occupations"]
    assert search.calls == []  # the old job is never searched
    answer = out["messages"][-1].content
    assert "Hôte / Hôtesse de caisse" in answer and "Encaissement" in answer
    vague = await graph.ainvoke({"messages": [("user", "je veux me reconvertir")]}, thread("c2"), context=ctx)
    assert turn_calls(vague) == [] and "changer de métier" in vague["messages"][-1].content
    # with a place, still suggestions (it searched the old job there), the place asked back with the job
    placed = "I was a cashier and want to do something else, near Lille"
    out = await graph.ainvoke({"messages": [("user", placed)]}, thread("c3"), context=ctx)
    assert [name for name, _ in turn_calls(out)] == ["suggest_occupations"] and search.calls == []
    assert "in Lille”) and I will search its offers" in out["messages"][-1].content


async def test_a_career_change_towards_a_named_job_searches_that_job(graph: Any, planner: Any) -> None:
    """« je veux me reconvertir en boulanger »: boulanger is where the user goes, not what they leave (it got
    occupations away from bakery)."""
    search = FakeOfferSearch()
    ctx = make_context(planner, offer_search=search)
    for said, query in (
        ("je veux me reconvertir en boulanger", "boulanger"),
        ("I'd like to retrain as an electrician", "electrician"),
        ("je voudrais devenir aide-soignante", "aide-soignante"),
    ):
        out = await graph.ainvoke({"messages": [("user", said)]}, thread(f"to-{query}"), context=ctx)
        calls = turn_calls(out)
        assert [name for name, _ in calls] == ["search_offers"], said
        assert calls[0][1]["query"] == query, calls
