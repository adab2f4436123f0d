"""Bassin's chat UI (Chainlit): an adapter from chat sessions to the agent.

Session → thread id (the Chainlit thread id is the LangGraph thread id) + role (from the authenticated
user, never from the client) → the graph streamed with its tool steps → results rendered as cards.

    chainlit run chainlit_app.py   # BASSIN_UI_USERS='[{"name": "...", "password": "...", "role": "candidate"}]'
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import chainlit as cl
from chainlit.types import ThreadDict

from agent.llm import effective_provider
from app.settings import Settings
from cv import parse_cv, read_cv_file
from domain.errors import BassinError, InputFormatError
from domain.vocabulary import Role
from store.db import Database
from tools.cv import profile_summary
from ui.auth import authenticate, effective_role
from ui.cards import (
    OfferCard,
    candidate_cards,
    candidate_markdown,
    offer_markdown,
    personal_markdown,
    why_markdown,
)
from ui.charts import results_map, score_breakdown
from ui.data_layer import BassinDataLayer
from ui.profiles import profile_named, profiles_for
from ui.render import cv_confirmation, step_input, step_output
from ui.runtime import UiRuntime, get_runtime
from ui.turns import stream_turn

settings = Settings()
# Tokens are streamed only from an LLM: the offline planner writes its answer at once, and sending it
# word by word (one websocket frame each) held the cards back by 2-3 s.
STREAM_TOKENS = effective_provider(settings) != "offline"
os.environ.setdefault("CHAINLIT_AUTH_SECRET", settings.auth_secret())


async def runtime() -> UiRuntime:
    return await get_runtime(settings)


# --- users, profiles, history --------------------------------------------------------------------------


@cl.password_auth_callback
async def login(username: str, password: str) -> cl.User | None:
    user = authenticate(settings.ui_users, username, password)
    if user is None:
        return None
    return cl.User(identifier=user.name, metadata={"role": user.role})


@cl.data_layer
def data_layer() -> BassinDataLayer:
    Database(settings.resolved_database_url).create_schema()  # the chat_* tables come with migration 0004
    return BassinDataLayer(settings.resolved_database_url)


def _user_role(user: cl.User | None) -> str | None:
    return (user.metadata or {}).get("role") if user is not None else None


@cl.set_chat_profiles
async def chat_profiles(current_user: cl.User | None) -> list[cl.ChatProfile]:
    role: Role = "recruiter" if _user_role(current_user) == "recruiter" else "candidate"
    return [
        cl.ChatProfile(
            name=p.name,
            markdown_description=p.description,
            default=i == 0,
            starters=[cl.Starter(label=s.label, message=s.message) for s in p.starters],
        )
        for i, p in enumerate(profiles_for(role))
    ]


def _start_session() -> None:
    user = cl.user_session.get("user")
    chosen = cl.user_session.get("chat_profile")
    cl.user_session.set("role", effective_role(_user_role(user), profile_named(chosen).name))
    cl.user_session.set("cards", {})


@cl.on_chat_start
async def on_chat_start() -> None:
    _start_session()
    await runtime()  # opens the engine now rather than on the first question


@cl.on_chat_resume
async def on_chat_resume(thread: ThreadDict) -> None:
    _start_session()


@cl.on_chat_end
async def on_chat_end() -> None:
    await _stop_viewing()


# --- turns ---------------------------------------------------------------------------------------------


def _user_id() -> str:
    user = cl.user_session.get("user")
    return user.identifier if user is not None else "anonymous"


def _thread_id() -> str:
    return str(cl.context.session.thread_id)


@cl.on_message
async def on_message(message: cl.Message) -> None:
    await _stop_viewing()
    files = [e for e in message.elements or [] if getattr(e, "path", None)]
    if files:
        await _received_cv(files[0], message.content.strip())
        return
    await _answer(message.content)


async def _answer(text: str) -> None:
    """Run one turn: tool steps as they happen, the answer (streamed when a model streams), then cards."""
    rt = await runtime()
    steps: dict[str, cl.Step] = {}
    answer = cl.Message(content="")

    async def on_token(token: str) -> None:
        await answer.stream_token(token)

    async def on_tool_start(call_id: str, name: str, args: dict[str, Any]) -> None:
        step = cl.Step(name=name, type="tool", show_input="json", language="json")
        step.input = step_input(args)
        await step.send()
        steps[call_id] = step

    async def on_tool_end(call_id: str, status: str, content: str, artifact: dict[str, Any] | None) -> None:
        step = steps.get(call_id)
        if step is None:
            return
        step.is_error = status == "error"
        step.output = step_output(status, content, artifact)
        await step.update()

    out = await stream_turn(
        rt.graph,
        rt.context,
        text,
        thread_id=_thread_id(),
        role=cl.user_session.get("role") or "candidate",
        on_token=on_token if STREAM_TOKENS else None,
        on_tool_start=on_tool_start,
        on_tool_end=on_tool_end,
    )
    answer.content = out.answer
    if answer.streaming:
        await answer.update()
    else:
        await answer.send()
    offers = out.artifacts("offers")
    if offers:
        await _offer_cards(rt, offers[-1])
    candidates = out.artifacts("candidates")
    if candidates and cl.user_session.get("role") == "recruiter":
        await _candidate_cards(candidates[-1])


async def _offer_cards(rt: UiRuntime, artifact: dict[str, Any]) -> None:
    cards = await asyncio.to_thread(rt.cards.offer_cards, artifact)
    known: dict[str, OfferCard] = cl.user_session.get("cards") or {}
    for card in cards:
        known[card.id] = card
        payload = {"offer_id": card.id}
        actions = [
            cl.Action(
                name="why", payload=payload, label="Pourquoi ?", tooltip="L'explication vérifiée du score"
            ),
            cl.Action(name="details", payload=payload, label="Voir l'offre", tooltip="Le détail de l'offre"),
            cl.Action(name="save", payload=payload, label="Sauvegarder", tooltip="Garder cette offre"),
            cl.Action(name="applied", payload=payload, label="J'ai postulé", tooltip="Noter la candidature"),
            cl.Action(
                name="thumbs_up", payload=payload, label="Pertinente", tooltip="Cette offre me correspond"
            ),
            cl.Action(
                name="thumbs_down",
                payload=payload,
                label="Hors sujet",
                tooltip="Cette offre ne me correspond pas",
            ),
        ]
        await cl.Message(content=offer_markdown(card), actions=actions).send()
    cl.user_session.set("cards", known)
    centre = _centre(rt, artifact.get("applied") or {})
    figure = results_map(cards, centre)
    if figure is not None:
        chart = cl.Plotly(name="carte-des-offres", figure=figure, display="inline", size="large")
        await cl.Message(content="Où se trouvent ces offres :", elements=[chart]).send()


def _centre(rt: UiRuntime, applied: dict[str, Any]) -> tuple[float, float] | None:
    if not applied.get("place") or not applied.get("radius_km"):
        return None
    try:
        place = rt.context.places.resolve(str(applied["place"]))
    except BassinError:
        return None
    return (place.lat, place.lon)


async def _candidate_cards(artifact: dict[str, Any]) -> None:
    for card in candidate_cards(artifact):
        action = cl.Action(
            name="open_profile",
            payload={"candidate_id": card.id},
            label="Ouvrir le profil",
            tooltip="Afficher les coordonnées du candidat",
        )
        await cl.Message(content=candidate_markdown(card), actions=[action]).send()


# --- CV upload -----------------------------------------------------------------------------------------


async def _received_cv(element: Any, text: str) -> None:
    """Parse the CV now and show the profile for confirmation; a file the parser refuses is not kept."""
    path = Path(element.path)
    try:
        data = await asyncio.to_thread(read_cv_file, path)
        parsed = await asyncio.to_thread(parse_cv, data, element.name)
    except InputFormatError as exc:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        await cl.Message(content=str(exc), author="Bassin").send()
        return
    cl.user_session.set("pending_cv", {"path": str(path), "name": element.name, "text": text})
    cl.user_session.set("pending_parsed", parsed)
    actions = [
        cl.Action(name="cv_confirm", payload={}, label="C'est bien moi : chercher des offres"),
        cl.Action(name="cv_cancel", payload={}, label="Annuler"),
    ]
    await cl.Message(content=cv_confirmation(profile_summary(parsed.profile)), actions=actions).send()


@cl.action_callback("cv_confirm")
async def on_cv_confirm(action: cl.Action) -> None:
    pending = cl.user_session.get("pending_cv")
    parsed = cl.user_session.get("pending_parsed")
    if not pending or parsed is None:
        await cl.Message(content="Aucun CV en attente : déposez-le à nouveau.").send()
        return
    rt = await runtime()
    path = Path(pending["path"])
    data = await asyncio.to_thread(read_cv_file, path)
    file_id = await asyncio.to_thread(rt.uploads.files.save, data, pending["name"])
    rt.uploads.remember(file_id, parsed)
    await asyncio.to_thread(path.unlink, missing_ok=True)
    cl.user_session.set("pending_cv", None)
    cl.user_session.set("pending_parsed", None)
    await action.remove()
    await _answer(f"{pending['text'] or 'Voici mon CV.'} [fichier: {file_id}]")


@cl.action_callback("cv_cancel")
async def on_cv_cancel(action: cl.Action) -> None:
    pending = cl.user_session.get("pending_cv")
    if pending:
        await asyncio.to_thread(Path(pending["path"]).unlink, missing_ok=True)
    cl.user_session.set("pending_cv", None)
    cl.user_session.set("pending_parsed", None)
    await action.remove()
    await cl.Message(content="CV ignoré : rien n'a été enregistré.").send()


# --- card actions --------------------------------------------------------------------------------------


def _card(action: cl.Action) -> OfferCard | None:
    known: dict[str, OfferCard] = cl.user_session.get("cards") or {}
    return known.get(str(action.payload.get("offer_id")))


async def _record(card: OfferCard, kind: str) -> None:
    rt = await runtime()
    await asyncio.to_thread(
        rt.interactions.record,
        _user_id(),
        card.id,
        kind,  # type: ignore[arg-type]
        match_score=card.score,
        thread_id=_thread_id(),
    )


async def _stop_viewing() -> None:
    """Close the running viewing of an offer: its time counts until the user's next move."""
    viewing = cl.user_session.get("viewing")
    if not viewing:
        return
    cl.user_session.set("viewing", None)
    rt = await runtime()
    offer_id, since = viewing
    await asyncio.to_thread(rt.interactions.add_time_spent, _user_id(), offer_id, time.time() - since)


@cl.action_callback("why")
async def on_why(action: cl.Action) -> None:
    await _stop_viewing()
    card = _card(action)
    if card is None:
        await cl.Message(content="Cette offre n'est plus affichée : relancez la recherche.").send()
        return
    elements = []
    if card.parts:
        elements.append(cl.Plotly(name=f"score-{card.id}", figure=score_breakdown(card), display="inline"))
    await cl.Message(content=why_markdown(card), elements=elements).send()


@cl.action_callback("details")
async def on_details(action: cl.Action) -> None:
    await _stop_viewing()
    card = _card(action)
    if card is None:
        return
    await _record(card, "viewed")
    cl.user_session.set("viewing", (card.id, time.time()))
    await _answer(f"Détails de l'offre {card.id}")


async def _feedback(action: cl.Action, kind: str, text: str) -> None:
    await _stop_viewing()
    card = _card(action)
    if card is None:
        return
    await _record(card, kind)
    await cl.Message(content=text.format(title=card.title, id=card.id)).send()


@cl.action_callback("save")
async def on_save(action: cl.Action) -> None:
    await _feedback(action, "saved", "Offre sauvegardée : {title} ({id}).")


@cl.action_callback("applied")
async def on_applied(action: cl.Action) -> None:
    await _feedback(action, "applied", "Candidature notée : {title} ({id}). Bonne chance !")


@cl.action_callback("thumbs_up")
async def on_thumbs_up(action: cl.Action) -> None:
    await _feedback(action, "thumbs_up", "Merci : offre marquée pertinente ({id}).")


@cl.action_callback("thumbs_down")
async def on_thumbs_down(action: cl.Action) -> None:
    await _feedback(action, "thumbs_down", "Merci : offre marquée hors sujet ({id}).")


@cl.action_callback("open_profile")
async def on_open_profile(action: cl.Action) -> None:
    if cl.user_session.get("role") != "recruiter":
        await cl.Message(content="Réservé aux recruteurs.").send()
        return
    rt = await runtime()
    candidate_id = str(action.payload.get("candidate_id"))
    data = await asyncio.to_thread(rt.candidates.personal_data, candidate_id)
    await cl.Message(content=personal_markdown(candidate_id, data)).send()
