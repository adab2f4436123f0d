"""The chat UI in a real browser: log in as each role, ask, upload a real CV, use the cards.

Every test drives headless Chromium against ``chainlit run chainlit_app.py`` over real offers and CVs, and
checks what a user would notice on screen and what the database kept.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image
from sqlalchemy import func, select

from store.chat_history import ChatStepRow, ChatThreadRow
from store.db import Database
from store.interactions import InteractionRepository, OfferInteractionRow
from tests.ui.app_server import ChainlitServer, cv_files
from tests.ui.conftest import ARTIFACTS, user

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

CARD = re.compile(r"Adéquation \d+/100")


def login(page: Any, server: ChainlitServer, role: str) -> None:
    who = user(role)
    page.goto(server.url + "/login")
    page.locator("#email").fill(who["name"])
    page.locator("#password").fill(who["password"])
    with page.expect_websocket():  # uploads need the session the websocket opens
        page.locator("button[type=submit]").click()
    page.locator("#chat-input").wait_for()
    page.wait_for_timeout(1000)


def ask(page: Any, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-submit:enabled").click()  # disabled while an attachment uploads


def attach(page: Any, path: Path) -> None:
    """Attach a file with the composer's paperclip input and wait until it is uploaded."""
    page.locator("#upload-button-input").set_input_files(str(path))
    page.get_by_text(path.name).first.wait_for()
    page.wait_for_timeout(1000)


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def database(server: ChainlitServer) -> Database:
    return Database(f"sqlite:///{server.data_dir / 'bassin.db'}")


def test_candidate_starter_cards_why_and_save(page: Any, ui_server: ChainlitServer) -> None:
    login(page, ui_server, "candidate")
    shot(page, "candidate-home")
    page.get_by_text("Développeur Python à Lyon").click()

    first_card = page.locator(".ai-message").filter(has_text=CARD).first
    first_card.wait_for()
    # the tool step shows how the question was understood
    assert page.get_by_text("search_offers").first.is_visible()
    shot(page, "candidate-cards")
    text = first_card.inner_text()
    offer_id = re.search(r"offre ([0-9A-Z]{6,})", text)
    assert offer_id is not None, text

    first_card.get_by_role("button", name="Pourquoi ?").click()
    page.get_by_text(re.compile(r"Pourquoi \d+/100")).first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    shot(page, "candidate-why")

    first_card.get_by_role("button", name="Sauvegarder").click()
    page.get_by_text("Offre sauvegardée").first.wait_for()

    db = database(ui_server)
    try:
        stored = InteractionRepository(db).get("camille", offer_id.group(1))
        assert stored is not None and stored.saved
        with db.session() as s:  # the conversation is kept for the history sidebar
            threads = s.scalars(select(ChatThreadRow).where(ChatThreadRow.userIdentifier == "camille")).all()
            outputs = s.scalars(select(ChatStepRow.output)).all()
        assert threads
        assert any("développeur python" in (o or "").lower() for o in outputs)
    finally:
        db.dispose()


def test_english_conversation_gets_english_cards_and_buttons(page: Any, ui_server: ChainlitServer) -> None:
    login(page, ui_server, "candidate")
    ask(page, "I'm a Python developer looking for a permanent job near Lyon")

    first_card = page.locator(".ai-message").filter(has_text=re.compile(r"Match \d+/100")).first
    first_card.wait_for()
    shot(page, "candidate-english-cards")
    text = first_card.inner_text()
    assert re.search(r"offer [0-9A-Z]{6,}", text), text
    assert "Salary: " in text
    for french in ("Adéquation", "Salaire", "publiée", "Pourquoi", "À acquérir", "offre "):
        assert french not in text, (french, text)
    for label in ("See the offer", "Save", "I applied"):
        assert first_card.get_by_role("button", name=label).is_visible()
    assert first_card.get_by_role("button", name="Pourquoi ?").count() == 0

    first_card.get_by_role("button", name="Why?").click()
    why = page.locator(".ai-message").filter(has_text=re.compile(r"Why \d+/100 for")).first
    why.wait_for()
    assert "(compared with your search)" in why.inner_text()
    shot(page, "candidate-english-why")

    first_card.get_by_role("button", name="Save").click()
    page.get_by_text("Offer saved:").first.wait_for()


def test_candidate_uploads_a_real_pdf_cv(page: Any, ui_server: ChainlitServer) -> None:
    login(page, ui_server, "candidate")
    cv = cv_files(1)[0]
    attach(page, cv)
    ask(page, "Voici mon CV")
    page.get_by_text("Voici ce que j'ai lu dans votre CV").wait_for()
    assert page.get_by_text("Compétences :").first.is_visible()
    shot(page, "candidate-cv-profile")

    page.get_by_role("button", name="C'est bien moi : chercher des offres").click()
    page.get_by_text("parse_cv").first.wait_for()
    page.locator(".ai-message").filter(has_text="avec votre CV").first.wait_for()
    shot(page, "candidate-cv-cards")


def _scanned_pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 850), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.text(20, 20, "Développeuse Python senior")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_scanned_pdf, "ce PDF ne contient pas de texte (scan)"),
        (_encrypted_pdf, "ce PDF est protégé par un mot de passe"),
    ],
    ids=["scanned", "encrypted"],
)
def test_unreadable_pdf_shows_the_parser_message_and_keeps_nothing(
    page: Any, ui_server: ChainlitServer, tmp_path: Path, make: Any, message: str
) -> None:
    uploads = ui_server.data_dir / "uploads"
    before = sorted(uploads.iterdir()) if uploads.exists() else []
    db = database(ui_server)
    with db.session() as s:
        interactions_before = s.scalar(select(func.count()).select_from(OfferInteractionRow))
    path = tmp_path / "mon-cv.pdf"
    path.write_bytes(make())
    login(page, ui_server, "candidate")
    attach(page, path)
    ask(page, "Voici mon CV")

    page.get_by_text(message).first.wait_for()
    assert page.get_by_text("Impossible de lire « mon-cv.pdf »").first.is_visible()
    shot(page, f"candidate-cv-refused-{path.stem}-{make.__name__}")
    after = sorted(uploads.iterdir()) if uploads.exists() else []
    assert after == before
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(OfferInteractionRow)) == interactions_before
    db.dispose()
    assert page.get_by_text("Voici ce que j'ai lu").count() == 0


def test_candidate_cannot_reach_candidate_search(page: Any, ui_server: ChainlitServer) -> None:
    login(page, ui_server, "candidate")
    assert page.get_by_text("Je recrute").count() == 0  # the recruiter profile is not offered
    ask(page, "Trouve-moi des candidats développeurs avec Java et SQL")
    page.get_by_text("La recherche de candidats est réservée aux recruteurs").first.wait_for()
    assert page.get_by_text("search_candidates").count() == 0
    assert page.get_by_text("données personnelles masquées").count() == 0
    shot(page, "candidate-refused-candidates")


def test_recruiter_finds_anonymous_candidates_then_opens_one(page: Any, ui_server: ChainlitServer) -> None:
    login(page, ui_server, "recruiter")
    shot(page, "recruiter-home")
    page.get_by_text("Développeurs Java et SQL").click()
    card = page.locator(".ai-message").filter(has_text="données personnelles masquées").first
    card.wait_for()
    assert page.get_by_text("search_candidates").first.is_visible()
    assert "@" not in card.inner_text()  # no e-mail before the recruiter opens the profile
    shot(page, "recruiter-cards")
    card.get_by_role("button", name="Ouvrir le profil").click()
    page.get_by_text(re.compile(r"Coordonnées de cv-|Aucune coordonnée enregistrée")).first.wait_for()
    shot(page, "recruiter-profile-opened")


def test_a_kind_of_job_gets_unscored_cards_and_a_question(page: Any, ui_server: ChainlitServer) -> None:
    """« technicien à Lyon »: the offers titled so, without a score or a « Pourquoi ? » (each showed 1-7/100
    from the scorer against the bare word), and which technician the user means."""
    login(page, ui_server, "candidate")
    ask(page, "technicien à Lyon")
    page.get_by_text("désigne bien des métiers").first.wait_for()
    cards = page.locator(".ai-message").filter(has_text=re.compile(r"offre [0-9A-Z]{6,}"))
    cards.first.wait_for()
    page.wait_for_timeout(500)
    shot(page, "candidate-kind-of-job")
    assert cards.count() >= 2
    for i in range(cards.count()):
        text = cards.nth(i).inner_text()
        assert "technic" in text.lower() and not CARD.search(text), text  # « Technico-commercial » too
        assert cards.nth(i).get_by_role("button", name="Pourquoi ?").count() == 0
        assert cards.nth(i).get_by_role("button", name="Voir l'offre").count() == 1
