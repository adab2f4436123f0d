"""The UI's services without a browser: logins and roles, the history tables, offer interactions, cards."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from chainlit.context import init_http_context
from chainlit.element import File, Text
from chainlit.types import Feedback, Pagination, ThreadFilter
from chainlit.user import User
from pydantic import SecretStr

from app.settings import UiUser
from store.db import Database
from store.interactions import MAX_TIME_SPENT_S, InteractionRepository
from ui.auth import authenticate, effective_role, hash_password
from ui.card_text import offer_markdown, summarised, why_markdown
from ui.cards import OfferCard, ScorePart
from ui.data_layer import BassinDataLayer, prefixed
from ui.profiles import CANDIDATE_PROFILE, RECRUITER_PROFILE, profiles_for
from ui.storage import LocalFileStorage

USERS = [
    UiUser(name="camille", password=SecretStr("clair"), role="candidate"),
    UiUser(name="remi", password=SecretStr(hash_password("secret", iterations=1000)), role="recruiter"),
]


def test_passwords_plain_or_hashed_and_nothing_else() -> None:
    assert authenticate(USERS, "camille", "clair") == USERS[0]
    assert authenticate(USERS, "remi", "secret") == USERS[1]
    assert authenticate(USERS, "remi", "clair") is None
    assert authenticate(USERS, "inconnu", "clair") is None
    assert authenticate([], "camille", "clair") is None


def test_role_comes_from_the_user_not_from_the_chosen_profile() -> None:
    assert effective_role("candidate", RECRUITER_PROFILE) == "candidate"  # a forged profile changes nothing
    assert effective_role("recruiter", RECRUITER_PROFILE) == "recruiter"
    assert effective_role("recruiter", CANDIDATE_PROFILE) == "candidate"
    assert [p.name for p in profiles_for("candidate")] == [CANDIDATE_PROFILE]
    assert [p.name for p in profiles_for("recruiter")] == [RECRUITER_PROFILE, CANDIDATE_PROFILE]


def test_chainlit_sql_targets_the_chat_tables() -> None:
    assert prefixed('SELECT * FROM users WHERE "identifier" = :i') == (
        'SELECT * FROM chat_users WHERE "identifier" = :i'
    )
    assert prefixed("FROM threads t LEFT JOIN steps s ON t.id = s.x") == (
        "FROM chat_threads t LEFT JOIN chat_steps s ON t.id = s.x"
    )
    assert prefixed('UPDATE users SET "metadata" = :m') == 'UPDATE chat_users SET "metadata" = :m'
    assert prefixed('SELECT "steps" AS x') == 'SELECT "steps" AS x'


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bassin.db'}"
    db = Database(url)
    db.create_schema()
    db.dispose()
    return url


def test_history_is_kept_in_the_store_database(db_url: str) -> None:
    # its own thread and loop: the browser tests' sync Playwright keeps a loop on the main thread
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _history_round_trip(db_url)).result()


async def _history_round_trip(db_url: str) -> None:
    init_http_context()  # the data layer's writes run at once outside a websocket session
    layer = BassinDataLayer(db_url)
    try:
        user = await layer.create_user(User(identifier="camille", metadata={"role": "candidate"}))
        assert user is not None and user.metadata == {"role": "candidate"}
        thread_id = str(uuid.uuid4())
        await layer.update_thread(thread_id, name="cariste à Lille", user_id=user.id, metadata={"a": 1})
        step_id = str(uuid.uuid4())
        await layer.create_step(
            {"id": step_id, "threadId": thread_id, "name": "camille", "type": "user_message",
             "output": "cariste en intérim près de Lille", "streaming": False, "metadata": {},
             "tags": ["x"], "createdAt": "2026-11-21T10:00:00Z"}
        )  # fmt: skip
        await layer.upsert_feedback(Feedback(forId=step_id, value=1, threadId=thread_id, comment="bien"))

        page = await layer.list_threads(Pagination(first=10), ThreadFilter(userId=user.id))
        assert [t["id"] for t in page.data] == [thread_id]
        [thread] = page.data
        assert thread["name"] == "cariste à Lille"
        assert thread["steps"][0]["output"] == "cariste en intérim près de Lille"
        assert thread["steps"][0]["feedback"]["value"] == 1
        assert await layer.get_thread_author(thread_id) == "camille"
        await layer.delete_thread(thread_id)
        assert await layer.get_thread(thread_id) is None
    finally:
        await layer.close()


def test_interactions_accumulate_per_user_and_offer(db_url: str) -> None:
    db = Database(db_url)
    repo = InteractionRepository(db)
    try:
        repo.record("camille", "2051234", "viewed", match_score=72, thread_id="t1")
        first_view = repo.get("camille", "2051234")
        repo.record("camille", "2051234", "viewed")
        repo.record("camille", "2051234", "saved")
        repo.record("camille", "2051234", "applied")
        repo.record("camille", "2051234", "thumbs_down")
        repo.add_time_spent("camille", "2051234", 42.4)
        got = repo.add_time_spent("camille", "2051234", 10 * MAX_TIME_SPENT_S)
        repo.record("remi", "2051234", "saved")

        assert first_view is not None and got.viewed_at == first_view.viewed_at  # first view is kept
        assert (got.viewed, got.saved, got.applied, got.rating) == (True, True, True, -1)
        assert got.match_score == 72 and got.thread_id == "t1"
        assert got.time_spent_seconds == 42 + MAX_TIME_SPENT_S
        assert [i.user_id for i in repo.saved("camille")] == ["camille"]
        repo.record("camille", "2051234", "unsaved")
        assert repo.saved("camille") == []
        assert len(repo.saved("remi")) == 1
    finally:
        db.dispose()


def test_card_puts_key_facts_first_and_the_fit_in_plain_words() -> None:
    card = OfferCard(
        rank=1, id="2051234", title="Développeur Python", company="Acme", location="Lyon", distance_km=4.2,
        contract="CDI", salary="3 000 € brut/mois", published="2026-11-18", score=72, baseline=9.0,
        parts=[ScorePart("compétences exigées par l'offre", 31.0), ScorePart("distance", -2.5),
               ScorePart("langues", 0.0)],
        reasons=["même métier", "1 compétence exigée sur 2", "à 4 km"],
        matched=["Python"], missing=["Docker"], basis="cv",
        explanation=["Python : demandé par l'offre, présent dans votre CV."],
    )  # fmt: skip
    text = offer_markdown(card, today=date(2026, 11, 21))
    lines = text.split("\n\n")
    assert lines[0] == "#### 1. Développeur Python"
    assert lines[1] == "**Acme** · Lyon (à 4 km)"
    assert lines[2] == "CDI · Salaire : 3 000 € brut/mois · publiée il y a 3 jours"
    assert (
        lines[3] == "**Adéquation 72/100** ▰▰▰▰▰▰▰▱▱▱ — même métier · 1 compétence exigée sur 2"
    )  # km said once
    assert "À acquérir : Docker" in text
    for jargon in ("sémantique", "ROME", "offre moyenne", "+31"):
        assert jargon not in text
    why = why_markdown(card)
    assert "Pourquoi 72/100" in why and "- Python : demandé par l'offre, présent dans votre CV." in why
    assert "Ce qui fait monter la note : compétences exigées par l'offre." in why
    assert "Ce qui la fait baisser : distance." in why and "langues" not in why
    assert "Ce qui manque" not in why  # no gap on this card: no empty section


def test_answer_in_the_chat_summarises_instead_of_listing_the_cards_again() -> None:
    answer = (
        "12 offre(s) — développeur python, CDI, près de Lyon (30 km) :\n"
        "1. [2051234] « Développeur Python » — Acme, Lyon (4 km) · CDI\n"
        "2. [2059999] « Dev back » — Beta, Villeurbanne · CDI\n"
        "Dites « la 2 » pour le détail, « pourquoi la 1 ? » pour l'adéquation."
    )
    text = summarised(answer, {"2051234", "2059999"}, "Les voici ci-dessous.")
    assert text == (
        "12 offre(s) — développeur python, CDI, près de Lyon (30 km). Les voici ci-dessous.\n"
        "Dites « la 2 » pour le détail, « pourquoi la 1 ? » pour l'adéquation."
    )
    assert summarised(answer, set(), "x") == answer  # no cards shown: the list stays
    assert summarised("Bonjour !", {"2051234"}, "x") == "Bonjour !"


def test_why_lists_the_gaps_the_offer_states_after_the_strengths() -> None:
    card = OfferCard(
        rank=1, id="2051234", title="Comptable", score=40, basis="cv",
        explanation=["Compétence demandée « Excel » : « Excel » chez vous, « Excel » dans l'offre"],
        gaps=["Permis exigé « B - Véhicule léger » : non trouvé dans le CV"],
    )  # fmt: skip
    why = why_markdown(card)
    assert "**Ce qui manque** (demandé par l'offre, absent de votre CV) :" in why
    assert (
        why.index("Excel") < why.index("Ce qui manque") < why.index("- Permis exigé « B - Véhicule léger »")
    )


def test_charts_are_stored_as_files_but_never_an_attached_cv(db_url: str, tmp_path: Path) -> None:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _elements_round_trip(db_url, tmp_path)).result()


async def _elements_round_trip(db_url: str, tmp_path: Path) -> None:
    init_http_context()
    storage = LocalFileStorage(tmp_path / "files")
    layer = BassinDataLayer(db_url, storage=storage)
    try:
        user = await layer.create_user(User(identifier="camille", metadata={"role": "candidate"}))
        assert user is not None
        thread_id, step_id = str(uuid.uuid4()), str(uuid.uuid4())
        await layer.update_thread(thread_id, name="x", user_id=user.id)
        await layer.create_step(
            {"id": step_id, "threadId": thread_id, "name": "Bassin", "type": "assistant_message", "output": "",
             "streaming": False, "metadata": {}, "createdAt": "2026-11-21T10:00:00Z"}
        )  # fmt: skip
        chart = Text(name="carte-des-offres", content='{"data": []}', mime="application/json")
        cv = tmp_path / "mon-cv.pdf"
        cv.write_bytes(b"%PDF-1.4 not kept")
        attached = File(name="mon-cv.pdf", path=str(cv), mime="application/pdf")
        for element in (chart, attached):
            element.thread_id, element.for_id = thread_id, step_id
            await layer.create_element(element)

        thread = await layer.get_thread(thread_id)
        assert thread is not None
        [kept] = thread["elements"] or []
        assert (
            kept["name"] == "carte-des-offres"
            and kept["url"] == f"/bassin/files/{user.id}/{chart.id}/carte-des-offres"
        )
        found = storage.read(str(kept["objectKey"]))
        assert found is not None and found[0].read_text() == '{"data": []}'
        stored = [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert "mon-cv.pdf" not in stored
    finally:
        await layer.close()
