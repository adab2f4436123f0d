"""Provider wiring without the network: construction, tool binding, base URL, offline fallback; and a real
HTTP round trip through the graph to a local OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.runnables import RunnableBinding
from langchain_mistralai import ChatMistralAI
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from agent import OfflinePlanner, build_graph, create_chat_model, effective_provider
from app.settings import Settings
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_skill_taxonomy
from tests.graph.fakes import FakeOfferSearch, make_context
from tools import tools_for

KEY_VARS = ("MISTRAL_API_KEY", "OPENAI_API_KEY", "BASSIN_MISTRAL_API_KEY", "BASSIN_OPENAI_API_KEY",
            "BASSIN_LLM_PROVIDER", "BASSIN_LLM_BASE_URL", "BASSIN_LLM_MODEL")  # fmt: skip


@pytest.fixture(autouse=True)
def _no_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in KEY_VARS:
        monkeypatch.delenv(var, raising=False)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def model_for(s: Settings) -> Any:
    return create_chat_model(s, gazetteer=default_gazetteer(), taxonomy=default_skill_taxonomy())


@pytest.mark.parametrize(
    ("values", "provider"),
    [
        ({}, "offline"),  # mistral by default, but no key
        ({"mistral_api_key": "k"}, "mistral"),
        ({"llm_provider": "openai"}, "offline"),
        ({"llm_provider": "openai", "openai_api_key": "k"}, "openai"),
        ({"llm_provider": "openai", "llm_base_url": "http://localhost:11434/v1"}, "openai"),
        ({"llm_provider": "offline", "mistral_api_key": "k"}, "offline"),
        ({"llm_base_url": "http://127.0.0.1:8091/v1"}, "mistral"),  # a local Mistral-compatible server
    ],
)
def test_effective_provider(values: dict[str, Any], provider: str) -> None:
    assert effective_provider(settings(**values)) == provider


def test_keys_are_read_from_the_usual_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "from-env")
    s = settings()
    assert s.mistral_api_key is not None and s.mistral_api_key.get_secret_value() == "from-env"
    assert "from-env" not in repr(s)


def test_mistral_model_binds_the_tools_without_services() -> None:
    model = model_for(settings(mistral_api_key="k", llm_model="mistral-large-latest"))
    assert isinstance(model, ChatMistralAI) and model.model == "mistral-large-latest"
    assert model.temperature == 0.0
    bound = model.bind_tools(tools_for("candidate"))
    assert isinstance(bound, RunnableBinding)
    functions = [t["function"] for t in bound.kwargs["tools"]]
    assert [f["name"] for f in functions] == [
        "search_offers",
        "get_offer_details",
        "parse_cv",
        "score_match",
        "what_if",
        "suggest_occupations",
    ]
    assert all("runtime" not in f["parameters"]["properties"] for f in functions)


def test_openai_compatible_server_uses_its_base_url_without_a_key() -> None:
    model = model_for(
        settings(llm_provider="openai", llm_base_url="http://127.0.0.1:8080/v1", llm_model="qwen2.5")
    )
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://127.0.0.1:8080/v1" and model.model_name == "qwen2.5"
    bound = model.bind_tools(tools_for("recruiter"))
    assert "search_candidates" in [t["function"]["name"] for t in bound.kwargs["tools"]]  # type: ignore[attr-defined]


def test_offline_planner_binds_tools_and_returns_itself() -> None:
    model = model_for(settings())
    assert isinstance(model, OfflinePlanner)
    bound = model.bind_tools(tools_for("candidate"))
    assert isinstance(bound, OfflinePlanner) and "search_candidates" not in bound.tool_names
    assert bound.bind_tools(tools_for("candidate")) is bound


class _Server:
    """A tiny OpenAI-compatible chat server on 127.0.0.1 that replays canned completions."""

    def __init__(self, replies: list[dict[str, Any]]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                outer.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length)),
                                       "auth": self.headers.get("Authorization")})  # fmt: skip
                body = json.dumps(outer.replies.pop(0)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "local",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }  # fmt: skip


@pytest.fixture
def server() -> Iterator[_Server]:
    call = {"id": "call_1", "type": "function",
            "function": {"name": "search_offers", "arguments": json.dumps({"query": "cariste", "contracts": ["CDI"]})}}  # fmt: skip
    replies = [
        _completion({"content": None, "tool_calls": [call]}, "tool_calls"),
        _completion({"content": "Deux offres : [2000001] et [2000002]. Et [7777777]."}, "stop"),
    ]
    with _Server(replies) as running:
        yield running


async def test_http_round_trip_to_a_local_openai_compatible_server(server: _Server) -> None:
    model = model_for(settings(llm_provider="openai", llm_base_url=server.url, llm_model="local"))
    search = FakeOfferSearch()
    graph = build_graph(checkpointer=InMemorySaver())
    out = await graph.ainvoke(
        {"messages": [("user", "cariste en CDI")]},
        {"configurable": {"thread_id": "http"}},
        context=make_context(model, offer_search=search),
    )
    first, second = (r["body"] for r in server.requests)
    assert all(r["path"] == "/v1/chat/completions" for r in server.requests)
    assert server.requests[0]["auth"] == "Bearer not-needed"
    assert first["model"] == "local" and first["temperature"] == 0.0
    assert next(t["function"]["name"] for t in first["tools"]) == "search_offers"
    assert (
        first["messages"][0]["role"] == "system" and "<conversation_state>" in first["messages"][0]["content"]
    )
    tool_reply = second["messages"][-1]
    assert tool_reply["role"] == "tool" and tool_reply["tool_call_id"] == "call_1"
    assert json.loads(tool_reply["content"])["ids"] == ["2000001", "2000002"]
    assert search.calls[0][1].contracts == ["CDI"]
    assert out["cited_ids"] == ["2000001", "2000002"] and out["flagged_ids"] == ["7777777"]
    assert "7777777" not in out["messages"][-1].content


def test_phrase_mode_wraps_the_llm_around_the_planner() -> None:
    from agent.phrased import PhrasedPlanner

    model = model_for(settings(llm_provider="openai", llm_base_url="http://127.0.0.1:8091/v1", llm_mode="phrase",
                               llm_timeout_s=5, llm_max_retries=0, llm_max_tokens=64))  # fmt: skip
    assert isinstance(model, PhrasedPlanner) and isinstance(model.writer, ChatOpenAI)
    assert model.writer.request_timeout == 5 and model.writer.stream_chunk_timeout == 5
    assert model.writer.max_retries == 0 and model.writer.max_tokens == 64
    bound = model.bind_tools(tools_for("candidate"))
    assert isinstance(bound, PhrasedPlanner) and "search_candidates" not in bound.planner.tool_names
