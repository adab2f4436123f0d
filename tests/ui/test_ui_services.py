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
from tests.graph.fakes import make_context, scripted
from ui.actions import cv_actions, offer_actions, profile_action
from ui.auth import authenticate, effective_role, hash_password
from ui.card_text import candidate_markdown, offer_markdown, personal_markdown, summarised, why_markdown
from ui.cards import CandidateCard, CardBuilder, OfferCard, ScorePart
from ui.data_layer import BassinDataLayer, prefixed
from ui.language import say, turn_language
from ui.profiles import CANDIDATE_PROFILE, RECRUITER_PROFILE, profiles_for
from ui.render import cv_confirmation, step_output
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


def test_an_english_browser_gets_english_profiles_that_pick_the_same_roles() -> None:
    from ui.profiles import CANDIDATE_PROFILE_EN, RECRUITER_PROFILE_EN

    english = profiles_for("recruiter", "en-US")
    assert [p.name for p in english] == [RECRUITER_PROFILE_EN, CANDIDATE_PROFILE_EN]
    assert all(not any(c in s.message for c in "éèàç") for p in english for s in p.starters)
    assert [p.name for p in profiles_for("candidate", "fr-FR")] == [CANDIDATE_PROFILE]
    assert effective_role("recruiter", RECRUITER_PROFILE_EN) == "recruiter"
    assert (
        effective_role("candidate", RECRUITER_PROFILE_EN) == "candidate"
    )  # a forged profile changes nothing
    assert effective_role("recruiter", CANDIDATE_PROFILE_EN) == "candidate"


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


FRENCH_WORDS = ("Salaire", "publiée", "Adéquation", "Pourquoi", "À acquérir", "Pas de note", "offre ", " à ",
                "compétence", "métier", "Ce qui", "En bref", "votre", "Compétences", "expérience", "masquées")  # fmt: skip


def test_english_card_and_why_speak_english_only() -> None:
    card = OfferCard(
        rank=1, id="2051234", title="Développeur Python", company="Acme", location="Lyon", distance_km=4.2,
        contract="permanent (CDI)", salary=None, published="2026-11-20", score=72, baseline=9.0,
        parts=[ScorePart("skills the offer requires", 31.0), ScorePart("distance", -2.5),
               ScorePart("languages", 0.0)],
        reasons=["same occupation", "1 of 1 required skills", "4.2 km away"],
        matched=["Python"], missing=["Docker"], basis="cv", lang="en",
        explanation=["Required skill « Python »: in your CV"],
        gaps=["Required skill « Docker »: not found in the CV"],
    )  # fmt: skip
    text = offer_markdown(card, today=date(2026, 11, 21))
    assert text.split("\n\n") == [
        "#### 1. Développeur Python",
        "**Acme** · Lyon (4 km away)",
        "permanent (CDI) · Salary: not stated · published yesterday",
        "**Match 72/100** ▰▰▰▰▰▰▰▱▱▱ — same occupation · 1 of 1 required skill",  # km said once
        "Skills to gain: Docker",
        "`offer 2051234`",
    ]
    why = why_markdown(card)
    assert why.splitlines()[0] == "**Why 72/100 for “Développeur Python”?** (compared with your CV)"
    assert "In short: same occupation · 1 of 1 required skill · 4 km away" in why
    assert "**What is missing** (asked for by the offer, not in your CV):" in why
    assert "What raises the score: skills the offer requires." in why and "What lowers it: distance." in why
    for french in FRENCH_WORDS:
        assert french not in text.replace("Développeur", "") and french not in why.replace("Développeur", "")

    abstained = OfferCard(rank=2, id="1", title="Serveur", abstained="not enough in the offer", lang="en")
    assert "_No score: not enough in the offer_" in offer_markdown(abstained)
    assert why_markdown(abstained) == "**Serveur** — no score: not enough in the offer."


def test_french_card_stays_as_it_was() -> None:
    card = OfferCard(rank=3, id="1", title="Serveur", salary=None, published="2026-11-20", score=40,
                     reasons=["autre métier", "à 12.6 km", "2 compétence(s) sur 3"])  # fmt: skip
    assert offer_markdown(card, today=date(2026, 11, 21)).split("\n\n") == [
        "#### 3. Serveur",
        "Salaire : non précisé · publiée hier",
        "**Adéquation 40/100** ▰▰▰▰▱▱▱▱▱▱ — autre métier · 2 compétences sur 3",
        "`offre 1`",
    ]
    assert (
        why_markdown(card).splitlines()[0]
        == "**Pourquoi 40/100 pour « Serveur » ?** (comparé à votre recherche)"
    )


def test_cards_built_for_an_english_conversation_say_the_search_in_english() -> None:
    result = {"rank": 1, "id": "2000004", "title": "Développeur backend", "contract": "MIS", "match": 81,
              "why": ["même métier", "à 2.3 km", "1 compétence(s) sur 1", "contrat demandé"], "distance_km": 2.3,
              "salary": "2 100 – 2 400 € brut/mois", "salary_monthly": [2100.0, 2400.0]}  # fmt: skip
    builder = CardBuilder(make_context(scripted()))
    [english] = builder.offer_cards({"results": [result], "applied": {}}, "en")
    assert (english.lang, english.contract, english.salary) == (
        "en",
        "temp work",
        "2,100 – 2,400 € gross/month",
    )
    assert english.reasons == ["same occupation", "2.3 km away", "1 of 1 skills", "contract as asked"]
    assert offer_markdown(english).split("\n\n")[-2] == (
        "**Match 81/100** ▰▰▰▰▰▰▰▰▱▱ — same occupation · 1 of 1 skill · contract as asked"
    )
    [french] = builder.offer_cards({"results": [result], "applied": {}})
    assert (french.lang, french.contract, french.salary) == ("fr", "intérim", "2 100 – 2 400 € brut/mois")
    assert french.reasons == result["why"]


def test_why_charts_the_number_the_card_shows_in_its_words() -> None:
    """« Pourquoi 81/100 ? » charts points that add up to 81 (the search's own), named as the card names them,
    not the calibrated scorer's contributions to another number."""
    points = [
        ["même métier", 60.0],
        ["à 2.3 km", 10.0],
        ["1 compétence(s) sur 1", 10.0],
        ["avis du modèle calibré", 1.2],
    ]
    result = {"rank": 1, "id": "2000004", "title": "Développeur backend", "contract": "MIS", "match": 81,
              "why": ["même métier", "à 2.3 km", "1 compétence(s) sur 1"], "points": points}  # fmt: skip
    builder = CardBuilder(make_context(scripted()))
    [french] = builder.offer_cards({"results": [result], "applied": {}})
    assert abs(sum(p.points for p in french.parts) - french.score) <= 1  # type: ignore[operator]
    assert [p.label for p in french.parts] == [
        "même métier",
        "à 2 km",
        "1 compétence sur 1",
        "avis du modèle calibré",
    ]
    why = why_markdown(french)
    assert "Pourquoi 81/100" in why and "Ce qui fait monter la note : même métier, à 2 km" in why
    [english] = builder.offer_cards({"results": [result], "applied": {}}, "en")
    assert [p.label for p in english.parts] == [
        "same occupation",
        "2 km away",
        "1 of 1 skill",
        "calibrated model's view",
    ]


def test_a_ranked_candidate_card_shows_its_score_in_words() -> None:
    from ui.cards import candidate_cards

    artifact = {"results": [{"rank": 1, "id": "cv-1a2b", "title": "Comptable", "skills": ["Sage"], "score": 0.97,
                             "experience_years": 8.2, "location": "Paris", "distance_km": 1.5, "match": 97,
                             "grade": "same_code", "why": ["même métier", "à 1.5 km", "1 compétence(s) sur 1",
                                                           "8 ans d'expérience (5 demandés)"]}]}  # fmt: skip
    [french] = candidate_cards(artifact)
    assert candidate_markdown(french).split("\n\n")[2] == (
        "**Pertinence 97/100** ▰▰▰▰▰▰▰▰▰▰ — même métier · 1 compétence sur 1 · 8 ans d'expérience (5 demandés)"
    )
    [english] = candidate_cards(artifact, "en")
    assert candidate_markdown(english, "en").split("\n\n")[2] == (
        "**Match 97/100** ▰▰▰▰▰▰▰▰▰▰ — same occupation · 1 of 1 skill · 8 years of experience (5 asked)"
    )


def test_candidate_cards_in_each_language() -> None:
    card = CandidateCard(rank=2, id="cv-1a2b", title="Comptable", skills=["Excel", "Sage"], experience_years=1.2,
                         location="Nantes", distance_km=3.4, search_score=0.8)  # fmt: skip
    assert candidate_markdown(card, "en").split("\n\n") == [
        "#### 2. Comptable",
        "1 year of experience · Nantes (3 km away)",
        "Skills: Excel, Sage",
        "`candidate cv-1a2b` · personal data hidden",
    ]
    card.experience_years, card.title = 3.0, None
    english = candidate_markdown(card, "en")
    assert "#### 2. Untitled profile" in english and "3 years of experience" in english
    assert candidate_markdown(card).split("\n\n") == [
        "#### 2. Profil sans intitulé",
        "3 ans d'expérience · Nantes (à 3 km)",
        "Compétences : Excel, Sage",
        "`candidat cv-1a2b` · données personnelles masquées",
    ]
    data = {"name": "Ana", "phones": ["06 00 00 00 00"]}
    assert (
        personal_markdown("cv-1a2b", data, "en")
        == "**Contact details of cv-1a2b**\n- Name: Ana\n- Phone: 06 00 00 00 00"
    )
    assert (
        personal_markdown("cv-1a2b", data)
        == "**Coordonnées de cv-1a2b**\n- Nom : Ana\n- Téléphone : 06 00 00 00 00"
    )
    assert personal_markdown("cv-1a2b", None, "en") == "No contact details stored for cv-1a2b."


def test_buttons_are_labelled_in_the_conversation_language() -> None:
    english = offer_actions("2051234", "en")
    assert [(a.name, a.label, a.tooltip) for a in english] == [
        ("why", "Why?", "The verified explanation of the score"),
        ("details", "See the offer", "The offer's details"),
        ("save", "Save", "Keep this offer"),
        ("applied", "I applied", "Note the application"),
        ("thumbs_up", "", "Relevant: it fits me"),
        ("thumbs_down", "", "Off topic"),
    ]
    assert all(a.payload == {"offer_id": "2051234"} for a in english)
    assert [a.label for a in offer_actions("2051234")][:4] == [
        "Pourquoi ?",
        "Voir l'offre",
        "Sauvegarder",
        "J'ai postulé",
    ]
    assert (profile_action("cv-1", "en").label, profile_action("cv-1").label) == (
        "Open the profile",
        "Ouvrir le profil",
    )
    assert [a.label for a in cv_actions("en")] == ["That's me: search for offers", "Cancel"]
    assert [a.label for a in cv_actions()] == ["C'est bien moi : chercher des offres", "Annuler"]
    assert say("en", "saved", title="Cook", id="1") == "Offer saved: Cook (1)."
    profile = {
        "title": "Cook",
        "experience_years": 1.0,
        "skills": [{"label": "HACCP"}],
        "last_jobs": ["a", "b"],
    }
    assert cv_confirmation(profile, "en").splitlines() == [
        "**Here is what I read in your CV.** Is it right?", "", "- Occupation: Cook", "- Experience: 1.0 year",
        "- Skills: HACCP", "- Place: not found", "- Latest jobs: a; b", "", "Nothing is stored until you confirm.",
    ]  # fmt: skip
    assert "- Expérience : 1.0 an(s)" in cv_confirmation(profile)
    assert '"results": 1' in step_output("success", "", {"ids": ["1"]}, "en")


def test_the_turn_language_follows_the_user_then_the_conversation() -> None:
    assert (
        turn_language("I'm a warehouse forklift driver looking for temp work near Lille", "12 offres") == "en"
    )
    assert turn_language("cariste en intérim près de Lille", "12 offers") == "fr"
    assert (
        turn_language("2051234", "Here is the offer you asked for", previous="fr") == "fr"
    )  # no signal: as before
    assert turn_language("2051234", "Here is the offer you asked for") == "en"  # nothing before: the answer's
    assert turn_language("2051234") == "fr"


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
    nothing_here = (
        "Aucune offre de « Serveur » ne correspond à : Nice (30 km). Les plus proches :\n"
        "1. [200JLBW] « Serveur » — Brasserie, 83 - La Farlède (113.9 km) · 60/100 (même métier)\n"
        "Métiers proches sur place :\n"
        "2. [200JMRQ] « Chef de rang » — Di Piu, 06 - Nice (4.3 km) · 68/100 (métier proche)"
    )
    # the second list's heading would stand above the first card (a serveur 114 km away, « métier proche »?)
    assert summarised(nothing_here, {"200JLBW", "200JMRQ"}, "Les voici ci-dessous.") == (
        "Aucune offre de « Serveur » ne correspond à : Nice (30 km). Les plus proches ci-dessous."
    )
    none_of_it = (
        "Aucune offre de « Développeur logiciel » ne correspond à : Rennes (30 km), ni même en élargissant.\n"
        "Métiers proches :\n"
        "1. [200HBMD] « Développeur java back-end » — IGA, 49 - ANGERS (110.8 km) · 75/100 (même intitulé)"
    )
    # the cards are of other occupations: their heading stays, saying where they are
    assert summarised(none_of_it, {"200HBMD"}, "Les voici ci-dessous.") == (
        "Aucune offre de « Développeur logiciel » ne correspond à : Rennes (30 km), ni même en élargissant.\n"
        "Métiers proches ci-dessous."
    )
    assert summarised(
        none_of_it.replace("Métiers proches :", "Related occupations:"), {"200HBMD"}, "Here they are below."
    ).endswith("\nRelated occupations below.")


@pytest.mark.parametrize(
    ("head", "line", "said"),
    [
        (  # it said "… of that occupation. Here they are below."
            "No “Serveur” offer matches your search (Nice (30 km)). Here are the nearest ones of that occupation:",
            "1. [200JLBW] « Serveur » — Brasserie, 83 - La Farlède (113.9 km) · 60/100 (same occupation)",
            "No “Serveur” offer matches your search (Nice (30 km)). Here are the nearest ones of that occupation below.",
        ),
        (  # it said "… The nearest ones are. Here they are below."
            "No “Aide-soignant” candidate within 30 km of Rennes. The nearest ones are:",
            "1. [cv-3f108de1d4ac] « Aide-soignant » — Pornic (113.5 km) · 60/100 (same occupation)",
            "No “Aide-soignant” candidate within 30 km of Rennes. The nearest ones are below.",
        ),
    ],
)
def test_an_english_sentence_announcing_the_nearest_says_they_are_below(
    head: str, line: str, said: str
) -> None:
    listed = line.split("[")[1].split("]")[0]
    assert summarised(f"{head}\n{line}", {listed}, "Here they are below.") == said


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
