"""The agent's real ``get_offer_details`` tool pointed at the served API: the shapes agree."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import ToolMessage
from langgraph.prebuilt import ToolRuntime

from agent.state import State
from app.runtime import Engine
from domain.errors import OfferNotFoundError
from services.offer_details import HttpOfferDetails, RepositoryOfferDetails
from tests.api.conftest import ServedApp
from tests.graph.fakes import make_context, scripted
from tools import ALL_TOOLS

pytestmark = pytest.mark.integration


async def test_http_details_equal_the_local_store_details(read_api: ServedApp, read_engine: Engine) -> None:
    ids = [*read_engine.offers.external_ids([12, 2, 30]).values(), "NOPE0"]
    source = HttpOfferDetails(read_api.url)
    try:
        over_http = await source.get_many(ids)
    finally:
        await source.aclose()
    local = await RepositoryOfferDetails(read_engine.offers).get_many(ids)
    assert over_http == local and len(local) == 3
    assert [o.id for o in over_http] == ids[:3]


async def test_the_tool_reads_offers_through_the_api(read_api: ServedApp, read_engine: Engine) -> None:
    known = list(read_engine.offers.external_ids([5, 6]).values())
    details = HttpOfferDetails(read_api.url + "/")
    ctx = make_context(scripted(), offer_details=details)
    tool = next(t for t in ALL_TOOLS if t.name == "get_offer_details")
    runtime = ToolRuntime(
        state=State(), context=ctx, config={}, stream_writer=lambda _: None, tool_call_id="t1", store=None
    )
    try:
        message = await tool.ainvoke(
            {
                "name": "get_offer_details",
                "args": {"offer_ids": [known[1], "NOPE1", known[0]], "runtime": runtime},
                "id": "t1",
                "type": "tool_call",
            }
        )
        assert isinstance(message, ToolMessage)
        body = json.loads(str(message.content))
        assert body["ids"] == [known[1], known[0]] and body["not_found"] == ["NOPE1"]
        row = read_engine.offers.get_by_external_ids([known[1]])[known[1]]
        assert body["offers"][0]["intitule"] == row.title
        with pytest.raises(OfferNotFoundError):
            await tool.ainvoke(
                {
                    "name": "get_offer_details",
                    "args": {"offer_ids": ["NOPE2"], "runtime": runtime},
                    "id": "t2",
                    "type": "tool_call",
                }
            )
    finally:
        await details.aclose()
