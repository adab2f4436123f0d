"""`bassin ingest france-travail` end to end: the local France Travail API, the real pipeline (USE, FAISS,
tantivy, SQLite), and what users see afterwards (`bassin search`, `bassin match cv`, the agent, the cache)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select
from typer.testing import CliRunner

from agent.graph import build_graph
from agent.session import run_turn
from app.agent import agent_context
from app.runtime import build_engine
from app.settings import Settings
from bassin.cli import app
from domain.errors import OfferNotFoundError
from store.match_cache import MatchCacheRepository
from store.models import OfferRow
from tests.conftest import SHARED_OFFERS, load_raw_offers
from tests.france_travail_api import CLIENT_ID, CLIENT_SECRET, FakeFranceTravail
from tests.integration.test_candidates import CV_SENIOR_LYON

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not SHARED_OFFERS.exists(), reason="../shared/data"),
]
runner = CliRunner()


@pytest.fixture(scope="module")
def offers() -> list[dict[str, Any]]:
    """About 300 real offers: a slice of everything, plus the Lyon-area ones (IT first) the CV matches."""
    rows = load_raw_offers(path=SHARED_OFFERS)
    lyon = [r for r in rows if ((r.get("lieuTravail") or {}).get("codePostal") or "").startswith("69")]
    it = re.compile(r"développeu|data|logiciel|informatique|devops")
    lyon.sort(key=lambda r: not it.search((r.get("intitule") or "").lower()))
    picked = {r["id"]: r for r in rows[::40]}
    picked.update({r["id"]: r for r in lyon[:80]})
    return list(picked.values())


@pytest.fixture
def api(offers: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFranceTravail]:
    server = FakeFranceTravail(offers, page_size=50, max_start=100).start()  # cap 150: partitions
    env = {
        "BASSIN_FT_CLIENT_ID": CLIENT_ID,
        "BASSIN_FT_CLIENT_SECRET": CLIENT_SECRET,
        "BASSIN_FT_API_URL": server.api_url,
        "BASSIN_FT_TOKEN_URL": server.token_url,
        "BASSIN_FT_PAGE_SIZE": "50",
        "BASSIN_FT_MAX_START": "100",
        "BASSIN_FT_RATE_PER_SECOND": "500",
        "BASSIN_FT_BACKOFF_BASE_S": "0.01",
        "BASSIN_FT_MAX_RETRIES": "2",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    yield server
    server.stop()


def bassin(*args: str, data_dir: Path, ok: bool = True) -> str:
    out = runner.invoke(app, [*args, "--data-dir", str(data_dir)])
    if ok:
        assert out.exit_code == 0, out.output
    else:
        assert out.exit_code != 0, out.output
    return out.output


def pull(data_dir: Path, *extra: str, ok: bool = True) -> dict[str, str]:
    """Run the command; the summary line's ``key=value`` pairs."""
    output = bassin("ingest", "france-travail", *extra, data_dir=data_dir, ok=ok)
    line = next((x for x in output.splitlines() if x.startswith("france-travail")), "")
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def stats(data_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bassin("stats", "--json", data_dir=data_dir))
    return data


def open_state(data_dir: Path) -> tuple[dict[str, str], set[str], int]:
    """Open offers (id → content hash), closed ids, and how many offers the indexes hold."""
    engine = build_engine(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    try:
        rows = engine.offers.get_many(list(engine.offers.hashes()))
        with engine.db.session() as s:
            closed = set(s.scalars(select(OfferRow.external_id).where(OfferRow.closed_at.is_not(None))))
        return {r.external_id: r.content_hash for r in rows}, closed, engine.lexical.count()
    finally:
        engine.close()


def test_withdrawn_offers_close_and_leave_search_matches_agent_and_cache(
    api: FakeFranceTravail, offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = pull(data_dir)
    assert (first["new"], first["rejected"], first["closed"]) == (str(len(offers)), "0", "0")
    assert int(first["partitions"]) > 2
    before = stats(data_dir)
    assert before["offers_sql"] == before["offers_faiss"] == before["offers_lexical"] == len(offers)

    cv = tmp_path / "marie.txt"
    cv.write_text(CV_SENIOR_LYON, encoding="utf-8")
    matched = json.loads(bassin("match", "cv", str(cv), "--city", "Lyon", "--json", data_dir=data_dir))
    searched = json.loads(
        bassin("search", "développeur", "--city", "Lyon", "--top", "50", "--json", data_dir=data_dir)
    )
    withdrawn = list(
        dict.fromkeys([r["id"] for r in matched["results"][:3]] + [searched["results"][0]["id"]])
    )
    kept = next(r["id"] for r in searched["results"] if r["id"] not in withdrawn)

    # a candidate whose cached matches list a withdrawn offer, and one whose cache does not
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "marie.txt").write_text(CV_SENIOR_LYON, encoding="utf-8")
    bassin("ingest", "cvs", str(folder), data_dir=data_dir)
    engine = build_engine(Settings(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
    try:
        cache = MatchCacheRepository(engine.db)
        candidate = engine.candidates.get_many([1])[0]
        cache.store(candidate, [(withdrawn[0], 0.9), (kept, 0.8)], depth=50, computed_at=datetime.now(UTC))
        assert cache.count() == 1
    finally:
        engine.close()

    api.withdraw(withdrawn)
    second = pull(data_dir)
    assert (second["new"], second["closed"], second["unchanged"]) == (
        "0",
        str(len(withdrawn)),
        str(len(offers) - len(withdrawn)),
    )

    after = stats(data_dir)
    open_count = len(offers) - len(withdrawn)
    assert after["offers_sql"] == after["offers_faiss"] == after["offers_lexical"] == open_count
    assert after["offers_closed"] == len(withdrawn)
    assert after["consistent"] is True
    hashes, closed, _ = open_state(data_dir)
    assert closed == set(withdrawn) and kept in hashes  # kept in SQL, closed

    searched = json.loads(
        bassin("search", "développeur", "--city", "Lyon", "--top", "200", "--json", data_dir=data_dir)
    )
    assert searched["results"] and not {r["id"] for r in searched["results"]} & set(withdrawn)
    matched = json.loads(bassin("match", "cv", str(cv), "--city", "Lyon", "--json", data_dir=data_dir))
    assert matched["results"] and not {r["id"] for r in matched["results"]} & set(withdrawn)
    explained = runner.invoke(app, ["explain", str(cv), withdrawn[0], "--data-dir", str(data_dir)])
    assert isinstance(explained.exception, OfferNotFoundError)

    engine = build_engine(Settings(data_dir=data_dir, llm_provider="offline", _env_file=None))  # type: ignore[call-arg]
    try:
        assert MatchCacheRepository(engine.db).count() == 0, "the cache listing a closed offer is dropped"
        ctx = agent_context(engine, engine.settings)
        ctx.closing = None
        graph = build_graph(checkpointer=InMemorySaver())

        async def turns() -> tuple[Any, Any]:
            found = await run_turn(graph, ctx, "développeur à Lyon", thread_id="t", role="candidate")
            details = await run_turn(
                graph, ctx, f"détails de l'offre {withdrawn[0]}", thread_id="d", role="candidate"
            )
            return found, details

        import asyncio

        found, details = asyncio.run(turns())
        assert found.cited_ids and not set(found.cited_ids) & set(withdrawn)
        assert details.tool_calls[0].name == "get_offer_details"
        assert withdrawn[0] not in details.cited_ids and details.tool_calls[0].status != "success"
    finally:
        engine.close()


def test_outage_mid_pull_then_resume_gives_the_same_state_as_a_clean_pull(
    api: FakeFranceTravail, offers: list[dict[str, Any]], tmp_path: Path
) -> None:
    clean = tmp_path / "clean"
    pull(clean)

    searches = api.requests["search"]
    crashed = tmp_path / "crashed"
    api.requests.clear()
    api.fail_after = searches // 2
    pull(crashed, ok=False)
    partial, _, _ = open_state(crashed)
    assert 0 < len(partial) < len(offers), "the outage hit mid-pull"
    api.fail_after = None
    resumed = pull(crashed)
    assert resumed["resumed"] == "yes"
    assert int(resumed["fetched"]) == len(offers), "counts carry over the interruption"

    assert open_state(crashed) == open_state(clean)
    assert stats(crashed)["consistent"] is True


def test_increment_recheck_and_republication(
    api: FakeFranceTravail, offers: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    pull(data_dir)
    old = sorted(offers, key=lambda o: o["dateCreation"])[:2]
    api.withdraw([o["id"] for o in old])
    now = datetime.now(UTC)
    fresh = []
    for i, src in enumerate(offers[:3]):
        o = copy.deepcopy(src)
        o["id"] = f"NEW{i:04d}"
        o["dateCreation"] = (now - timedelta(minutes=5 + i)).isoformat().replace("+00:00", "Z")
        fresh.append(o)
    api.publish(fresh)

    # hourly increment: only offers created since the last run; old offers are re-checked one by one
    monkeypatch.setenv("BASSIN_FT_RECHECK_AFTER_DAYS", "0.000001")
    api.requests.clear()
    metrics = tmp_path / "bassin_ft.prom"
    inc = pull(data_dir, "--since", "last", "--metrics-file", str(metrics))
    assert (inc["new"], inc["closed"]) == ("3", "2")
    from prometheus_client.parser import text_string_to_metric_families

    samples = {
        s.name: s.value for f in text_string_to_metric_families(metrics.read_text()) for s in f.samples
    }
    assert samples["bassin_ft_offers_new_total"] == 3 and samples["bassin_ft_offers_closed_total"] == 2
    assert samples["bassin_ft_offers_fetched_total"] == 3 + len(offers) - 2  # search + live re-checks
    assert samples["bassin_ft_last_success_timestamp_seconds"] > 0
    assert int(inc["rechecked"]) == len(offers), "every offer not seen by this run, none it saw"
    assert api.requests["detail"] == len(offers)
    assert api.requests["search"] <= 2, "an increment reads only its window"
    hashes, closed, indexed = open_state(data_dir)
    assert closed == {o["id"] for o in old} and {o["id"] for o in fresh} <= set(hashes)
    assert indexed == len(hashes) == len(offers) + 1

    # a withdrawn offer published again reopens; the --every loop runs twice
    monkeypatch.delenv("BASSIN_FT_RECHECK_AFTER_DAYS")
    api.publish([old[0]])
    out = bassin("ingest", "france-travail", "--every", "1s", "--runs", "2", data_dir=data_dir)
    lines = [x for x in out.splitlines() if x.startswith("france-travail")]
    assert len(lines) == 2 and "reopened=1" in lines[0]
    hashes, closed, indexed = open_state(data_dir)
    assert closed == {old[1]["id"]} and old[0]["id"] in hashes and indexed == len(hashes)
    found = json.loads(
        bassin("search", old[0]["intitule"], "--top", "20", "--literal", "--json", data_dir=data_dir)
    )
    assert old[0]["id"] in {r["id"] for r in found["results"]}
