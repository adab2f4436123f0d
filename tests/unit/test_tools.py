"""The agent's tools one by one, with fakes: arguments, compact results, expected failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.messages import ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.prebuilt import ToolRuntime
from pydantic import ValidationError

from agent.state import State
from domain.errors import (
    BassinError,
    OfferNotFoundError,
    OffersApiError,
    ServiceUnavailableError,
    UnknownPlaceError,
)
from services.offer_details import HttpOfferDetails, OfferDetails, RepositoryOfferDetails
from tests.graph.fakes import (
    DEFAULT_OFFERS,
    FakeCandidateSearch,
    FakeCareers,
    FakeCVs,
    FakeOfferDetails,
    FakeOfferSearch,
    FakeScoring,
    make_context,
    offer_row,
    scripted,
)
from tools import ALL_TOOLS, tools_for
from tools.errors import ToolNotAllowedError, UnknownUploadError
from tools.uploads import UploadedCVs

CV = """Paul Durand
Développeur Java
Nantes
paul.durand@example.fr

Expérience
2015 - présent : Développeur Java chez ACME

Compétences
Java, Spring, SQL
"""


async def call(tool_name: str, state: State | None = None, **args: Any) -> tuple[ToolMessage, Any]:
    """Invoke a tool the way the graph does; returns the tool message and the context used."""
    ctx = args.pop("ctx", None) or make_context(scripted())
    tool = next(t for t in ALL_TOOLS if t.name == tool_name)
    runtime = ToolRuntime(
        state=state or State(),
        context=ctx,
        config={},
        stream_writer=lambda _: None,
        tool_call_id="t1",
        store=None,
    )
    message = await tool.ainvoke(
        {"name": tool_name, "args": {**args, "runtime": runtime}, "id": "t1", "type": "tool_call"}
    )
    assert isinstance(message, ToolMessage)
    return message, ctx


def test_schemas_hide_services_and_speak_to_the_model() -> None:
    for t in ALL_TOOLS:
        schema = convert_to_openai_tool(t)["function"]
        assert "runtime" not in schema["parameters"]["properties"]
        assert len(schema["description"]) > 80
    assert [t.name for t in tools_for("candidate")] == [
        "search_offers",
        "get_offer_details",
        "parse_cv",
        "score_match",
        "what_if",
        "suggest_occupations",
    ]
    assert "search_candidates" in [t.name for t in tools_for("recruiter")]


def test_tools_of_services_not_deployed_are_not_bound() -> None:
    ctx = make_context(scripted(), scorer=None, candidate_search=None, careers=None)
    assert [t.name for t in tools_for("recruiter", ctx)] == ["search_offers", "get_offer_details", "parse_cv"]


async def test_suggest_occupations_names_close_jobs_and_cites_no_offer() -> None:
    ctx = make_context(scripted(), careers=FakeCareers())
    message, _ = await call("suggest_occupations", ctx=ctx, former_job="j'étais vendeuse")
    body = json.loads(str(message.content))
    assert body["kind"] == "occupations" and body["ids"] == []  # occupations are not offers to cite
    assert body["former_job"] == "vendeuse" and body["occupation"] == "Vendeur / Vendeuse"
    assert body["suggestions"][0] == {
        "code": "D1505", "label": "Hôte / Hôtesse de caisse", "shared_skills": ["Encaissement"], "offers": 7,
    }  # fmt: skip
    with pytest.raises(ServiceUnavailableError):
        await call("suggest_occupations", ctx=make_context(scripted(), careers=None), former_job="cariste")


async def test_search_offers_applies_filters_and_returns_compact_results() -> None:
    search = FakeOfferSearch()
    message, _ = await call(
        "search_offers",
        ctx=make_context(scripted(), offer_search=search),
        query="développeur",
        skills=["pyhton", "rustacean"],
        place="69003",
        contracts=["CDI"],
        experience_max_months=24,
        published_within_days=7,
    )
    body = json.loads(str(message.content))
    text, filters, _, interpret = search.calls[0]
    assert filters.skills == ["python"]  # typo corrected by the taxonomy
    assert "rustacean" in text  # an unknown skill is searched as text, not dropped
    assert filters.geo is not None and filters.geo.radius_km == 10.0  # a postcode's own radius
    assert filters.published_since is not None and not interpret
    assert body["applied"]["unknown_skills"] == ["rustacean"]
    assert body["applied"]["place"].startswith("Lyon 3e")
    assert body["ids"] == [r["id"] for r in body["results"]]
    assert message.artifact == body


async def test_search_offers_salary_floor_keeps_only_paid_enough() -> None:
    message, _ = await call("search_offers", query="développeur", salary_min_monthly=3000)
    body = json.loads(str(message.content))
    assert body["ids"] == ["2000001"]  # 3,500 € max; 2,800 € and unknown salaries are left out
    assert body["applied"]["salary_min_monthly"] == 3000


async def test_search_offers_unknown_place_is_an_expected_failure() -> None:
    with pytest.raises(UnknownPlaceError) as info:
        await call("search_offers", query="cariste", place="Lyonn")
    assert isinstance(info.value, BassinError) and "Lyon" in info.value.suggestions


async def test_search_offers_from_a_cv_uses_the_profile_not_its_text() -> None:
    search = FakeOfferSearch()
    ctx = make_context(scripted(), offer_search=search, cvs=FakeCVs({"upload-1.txt": CV}))
    message, _ = await call("search_offers", ctx=ctx, cv_id="upload-1.txt")
    text, filters, _, _ = search.calls[0]
    assert "Java" in text and "paul" not in text.lower()
    assert filters.geo is not None and filters.geo.label == "Nantes"
    assert json.loads(str(message.content))["applied"]["cv_id"] == "upload-1.txt"


async def test_search_candidates_is_for_recruiters_only() -> None:
    candidates = FakeCandidateSearch()
    ctx = make_context(scripted(), candidate_search=candidates)
    with pytest.raises(ToolNotAllowedError):
        await call("search_candidates", ctx=ctx, query="développeur")
    message, _ = await call(
        "search_candidates", State(role="recruiter"), ctx=ctx, query="développeur", experience_min_months=60
    )
    body = json.loads(str(message.content))
    assert body["kind"] == "candidates" and body["ids"][0] == "cv-000000000001"
    assert candidates.calls[0][1].experience_min_months == 60
    assert set(body["results"][0]) <= {
        "rank", "id", "title", "skills", "experience_years", "location", "score", "distance_km", "contracts",
    }  # fmt: skip


async def test_search_arguments_are_validated() -> None:
    with pytest.raises(ValidationError):
        await call("search_offers", query="x", contracts=["PERMANENT"])
    with pytest.raises(ValidationError):
        await call("search_offers", query="x", top_k=0)


async def test_offer_details_are_trimmed_and_flagged_as_data() -> None:
    rows = [offer_row("2000001", "Développeur Python", description="Mot " * 1000, skills=["Python"])]
    ctx = make_context(scripted(), offer_details=FakeOfferDetails(rows=rows))
    message, _ = await call("get_offer_details", ctx=ctx, offer_ids=["2000001", "9999999"])
    body = json.loads(str(message.content))
    assert body["ids"] == ["2000001"] and body["not_found"] == ["9999999"]
    assert len(body["offers"][0]["description"]) < 800
    assert body["offers"][0]["competences"] == [{"libelle": "Python", "exigence": "E"}]
    assert "instructions" in body["notice"]
    with pytest.raises(OfferNotFoundError):
        await call("get_offer_details", ctx=ctx, offer_ids=["9999999"])


async def test_repository_details_keep_the_order_asked() -> None:
    class Rows:
        def get_by_external_ids(self, ids: Any) -> dict[str, Any]:
            return {r.external_id: r for r in DEFAULT_OFFERS if r.external_id in ids}

    details = await RepositoryOfferDetails(Rows()).get_many(["2000003", "2000001", "nope"])
    assert [d.id for d in details] == ["2000003", "2000001"]


async def test_http_offer_details_calls_the_api_and_reads_both_shapes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "offers": [
                    {"id": "B", "intitule": "Soudeur", "entreprise": {"nom": "ACME"}, "lieu": {"libelle": "Lyon"},
                     "typeContrat": "CDI", "salaire": {"libelle": "2000 €"},
                     "competences": [{"libelle": "Soudure", "exigence": "E"}]},
                    {"id": "A", "intitule": "Cariste", "entreprise": "Foo", "lieu": "Lille"},
                ]
            },
        )  # fmt: skip

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    source = HttpOfferDetails("http://offers.test/api/", client=client)
    offers = await source.get_many(["A", "B", "C"])
    assert str(seen[0].url) == "http://offers.test/api/offers?ids=A%2CB%2CC"
    assert [o.id for o in offers] == ["A", "B"]
    assert offers[1] == OfferDetails(
        id="B", intitule="Soudeur", entreprise="ACME", lieu="Lyon", typeContrat="CDI", salaire="2000 €",
        competences=[{"libelle": "Soudure", "exigence": "E"}],  # type: ignore[list-item]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(404), []),
        (httpx.Response(200, json=[]), []),
        (httpx.Response(500), OffersApiError),
        (httpx.Response(200, text="<html>"), OffersApiError),
        (httpx.Response(200, json=[{"no": "id"}]), OffersApiError),
    ],
)
async def test_http_offer_details_failures(response: httpx.Response, expected: Any) -> None:
    source = HttpOfferDetails(
        "http://x", client=httpx.AsyncClient(transport=httpx.MockTransport(lambda r: response))
    )
    if expected is OffersApiError:
        with pytest.raises(OffersApiError):
            await source.get_many(["A"])
    else:
        assert await source.get_many(["A"]) == expected


async def test_http_offer_details_network_error_is_expected() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    source = HttpOfferDetails("http://x", client=httpx.AsyncClient(transport=httpx.MockTransport(boom)))
    with pytest.raises(OffersApiError, match="ne répond pas"):
        await source.get_many(["A"])


async def test_parse_cv_returns_a_profile_without_personal_data(tmp_path: Path) -> None:
    uploads = UploadedCVs(tmp_path)
    file_id = uploads.save(CV.encode(), "cv paul.txt")
    assert file_id.startswith("upload-") and file_id.endswith(".txt")
    assert uploads.save(CV.encode(), "other-name.txt") == file_id  # content-addressed
    message, _ = await call("parse_cv", ctx=make_context(scripted(), cvs=uploads), file_id=file_id)
    body = json.loads(str(message.content))
    assert body["cv_id"] == file_id and body["profile"]["location"] == "Nantes"
    assert {s["key"] for s in body["profile"]["skills"]} >= {"java", "sql"}
    assert "paul" not in str(message.content).lower() and "@" not in str(message.content)


@pytest.mark.parametrize("file_id", ["../secret.txt", "a/b.txt", "..", "", ".hidden", "missing.pdf"])
def test_uploads_never_leave_their_folder(tmp_path: Path, file_id: str) -> None:
    (tmp_path / "secret.txt").write_text("x")
    uploads = UploadedCVs(tmp_path / "uploads")
    with pytest.raises(UnknownUploadError):
        uploads.get(file_id)


def test_uploads_are_parsed_once(tmp_path: Path) -> None:
    calls: list[Path] = []

    def parse(path: Path) -> Any:
        calls.append(path)
        return object()

    uploads = UploadedCVs(tmp_path, parse=parse)
    file_id = uploads.save(b"cv", "cv.txt")
    assert uploads.get(file_id) is uploads.get(file_id)
    assert len(calls) == 1


async def test_score_match_basis_cv_query_or_candidate() -> None:
    scoring = FakeScoring()
    ctx = make_context(scripted(), scorer=scoring, cvs=FakeCVs({"upload-1.txt": CV}))
    message, _ = await call("score_match", ctx=ctx, offer_ids=["2000001"], cv_id="upload-1.txt")
    assert json.loads(str(message.content))["basis"] == "cv"
    active = {"tool": "search_offers", "args": {"query": "développeur", "place": "Lyon", "radius_km": 30}}
    message, _ = await call(
        "score_match", State(active_search=active), ctx=ctx, offer_ids=["2000001", "2000002"]
    )
    body = json.loads(str(message.content))
    assert body["basis"] == "query" and body["ids"] == ["2000001", "2000002"]
    with pytest.raises(ToolNotAllowedError):
        await call("score_match", ctx=ctx, offer_ids=["2000001"], candidate_id="cv-000000000001")
    with pytest.raises(BassinError, match="Rien à comparer"):
        await call("score_match", ctx=ctx, offer_ids=["2000001"])


async def test_what_if_normalises_skills_and_rejects_unknown_ones() -> None:
    scoring = FakeScoring()
    ctx = make_context(scripted(), scorer=scoring, cvs=FakeCVs({"upload-1.txt": CV}))
    message, _ = await call(
        "what_if", ctx=ctx, offer_id="2000001", cv_id="upload-1.txt", add_skills=["dokcer"]
    )
    assert "docker" in json.loads(str(message.content))["changes"][0]
    with pytest.raises(BassinError, match="Compétence inconnue"):
        await call("what_if", ctx=ctx, offer_id="2000001", cv_id="upload-1.txt", add_skills=["zzzzzz"])


async def test_what_if_without_a_change_measures_relaxations_of_the_active_search() -> None:
    scoring = FakeScoring()
    ctx = make_context(scripted(), scorer=scoring)
    active = {"tool": "search_offers", "args": {"query": "cariste", "place": "Lille", "radius_km": 10}}
    message, _ = await call("what_if", State(active_search=active), ctx=ctx)
    body = json.loads(str(message.content))
    assert body["mode"] == "relax" and body["relaxations"][0]["message"] == "+3 offres à 50 km"
    with pytest.raises(BassinError, match="recherche d'offres"):
        await call("what_if", ctx=ctx)


async def test_scoring_tools_pass_the_conversation_language_to_the_scorer() -> None:
    """``language`` is optional (French by default), visible to the model, and reaches the scorer."""
    for name in ("score_match", "what_if"):
        prop = convert_to_openai_tool(next(t for t in ALL_TOOLS if t.name == name))["function"]["parameters"][
            "properties"
        ]["language"]
        assert prop["enum"] == ["fr", "en"] and prop["default"] == "fr" and "en" in prop["description"]
    scoring = FakeScoring()
    ctx = make_context(scripted(), scorer=scoring, cvs=FakeCVs({"upload-1.txt": CV}))
    message, _ = await call(
        "score_match", ctx=ctx, offer_ids=["2000001"], cv_id="upload-1.txt", language="en"
    )
    assert json.loads(str(message.content))["scores"][0]["strengths"] == ["Required skill « Python »"]
    await call("score_match", ctx=ctx, offer_ids=["2000001"], cv_id="upload-1.txt")
    await call(
        "what_if", ctx=ctx, offer_id="2000001", cv_id="upload-1.txt", add_skills=["docker"], language="en"
    )
    active = {"tool": "search_offers", "args": {"query": "cariste", "place": "Lille", "radius_km": 10}}
    await call("what_if", State(active_search=active), ctx=ctx, language="en")
    assert scoring.languages == ["en", "fr", "en", "en"]
    with pytest.raises(ValidationError):
        await call("score_match", ctx=ctx, offer_ids=["2000001"], cv_id="upload-1.txt", language="de")
