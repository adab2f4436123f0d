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
from typing import Annotated, Any

import chainlit as cl
from chainlit.auth import get_current_user
from chainlit.config import config as chainlit_config
from chainlit.server import app as chainlit_server
from chainlit.types import ThreadDict
from fastapi import Depends, HTTPException, Query
from fastapi.responses import FileResponse, JSONResponse
from fastapi.routing import APIRoute

from agent.llm import DEFAULT_MODELS, effective_provider
from app.settings import Settings
from cv import parse_cv, read_cv_file
from domain.errors import BassinError, InputFormatError
from domain.vocabulary import Role
from store.db import Database
from tools.cv import profile_summary
from ui.actions import cv_actions, offer_actions, profile_action
from ui.auth import authenticate, effective_role
from ui.branding import footer_text, with_bassin_texts
from ui.card_text import candidate_markdown, offer_markdown, personal_markdown, summarised, why_markdown
from ui.cards import OfferCard, candidate_cards
from ui.charts import figure_json, results_map, score_breakdown
from ui.data_layer import BassinDataLayer, step_metadata
from ui.language import UiLang, say, turn_language, ui_lang
from ui.profiles import profile_named, profiles_for
from ui.render import cv_confirmation, step_input, step_output
from ui.runtime import UiRuntime, get_runtime, is_ready, start_warming
from ui.storage import URL_PREFIX, LocalFileStorage, owner_of
from ui.turns import stream_turn

settings = Settings()
PROVIDER = effective_provider(settings)
# Tokens are streamed only from an LLM: the offline planner writes its answer at once, and sending it
# word by word (one websocket frame each) held the cards back by 2-3 s.
STREAM_TOKENS = PROVIDER != "offline"
os.environ.setdefault("CHAINLIT_AUTH_SECRET", settings.auth_secret())
# Charts and files of the conversations, so that a thread reopened from the sidebar shows them again.
STORAGE = LocalFileStorage(settings.data_dir / "ui" / "files")
CARD_KEY = "bassin_card"
CANDIDATE_KEY = "bassin_candidate"
LANG_KEY = "bassin_lang"
"""The conversation's language beside a candidate card (an offer card keeps its own: ``OfferCard.lang``)."""


async def runtime() -> UiRuntime:
    return await get_runtime(settings)


@cl.on_app_startup
async def open_engine_at_startup() -> None:
    """Open the engine and answer a warm-up question in the background as the server starts: the first
    user's first question then waits for no load (``GET /ready`` says when it is done)."""
    start_warming(settings)


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
    return BassinDataLayer(settings.resolved_database_url, storage=STORAGE)


# --- routes of our own, ahead of Chainlit's catch-all page route ----------------------------------------


async def stored_file(key: str, user: Annotated[Any, Depends(get_current_user)]) -> FileResponse:
    """A stored element (chart, file) for the user it belongs to; 404 for anybody else."""
    if user is None or owner_of(key) != getattr(user, "id", None):
        raise HTTPException(status_code=404)
    try:
        found = STORAGE.read(key)
    except ValueError as exc:
        raise HTTPException(status_code=404) from exc
    if found is None:
        raise HTTPException(status_code=404)
    path, mime = found
    return FileResponse(path, media_type=mime, headers={"Cache-Control": "private, max-age=3600"})


_LANGUAGE = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,4})?(-[a-zA-Z0-9]{2,8})?(-x-[a-zA-Z0-9]{1,8})?$"  # Chainlit's own


async def translations(language: str = Query(default="fr-FR", pattern=_LANGUAGE)) -> JSONResponse:
    """Chainlit's texts with Bassin's: the footer names the planner or model that really answers."""
    effective = chainlit_config.ui.language or language
    footer = footer_text(PROVIDER, settings.llm_model or DEFAULT_MODELS.get(PROVIDER), effective)
    texts = with_bassin_texts(chainlit_config.load_translation(effective), footer, effective)
    return JSONResponse({"translation": texts})


async def ready() -> JSONResponse:
    """Readiness for a load balancer or a script: 200 once the engine is open and warm, 503 before."""
    warm = is_ready()
    return JSONResponse({"ready": warm}, status_code=200 if warm else 503)


for _route in (
    APIRoute(URL_PREFIX + "/{key:path}", stored_file, methods=["GET"]),
    APIRoute("/project/translations", translations, methods=["GET"]),
    APIRoute("/ready", ready, methods=["GET"]),
):
    chainlit_server.router.routes.insert(0, _route)


def _user_role(user: cl.User | None) -> str | None:
    return (user.metadata or {}).get("role") if user is not None else None


@cl.set_chat_profiles
async def chat_profiles(current_user: cl.User | None, language: str | None = None) -> list[cl.ChatProfile]:
    """The profiles in the browser's language (Chainlit passes it; ``ui.language`` in the config wins)."""
    role: Role = "recruiter" if _user_role(current_user) == "recruiter" else "candidate"
    return [
        cl.ChatProfile(
            name=p.name,
            markdown_description=p.description,
            default=i == 0,
            starters=[cl.Starter(label=s.label, message=s.message) for s in p.starters],
        )
        for i, p in enumerate(profiles_for(role, language))
    ]


def _start_session() -> None:
    user = cl.user_session.get("user")
    chosen = cl.user_session.get("chat_profile")
    cl.user_session.set("role", effective_role(_user_role(user), profile_named(chosen).name))
    cl.user_session.set("cards", {})
    cl.user_session.set("lang", None)


@cl.on_chat_start
async def on_chat_start() -> None:
    _start_session()
    start_warming(settings)  # already under way since the server started: the session does not wait for it


@cl.on_chat_resume
async def on_chat_resume(thread: ThreadDict) -> None:
    """Give the reopened thread's cards their buttons back (Chainlit keeps messages and charts, not actions)."""
    _start_session()
    known: dict[str, OfferCard] = {}
    lang: UiLang | None = None
    for step in thread.get("steps") or []:
        metadata = step_metadata(dict(step))
        if isinstance(metadata.get(CARD_KEY), dict):
            card = OfferCard.from_dict(metadata[CARD_KEY])
            known[card.id], lang = card, card.lang
            for action in offer_actions(
                card.id, card.lang, scored=card.score is not None or card.abstained is not None
            ):
                await action.send(for_id=step["id"])
        elif metadata.get(CANDIDATE_KEY):
            lang = ui_lang(metadata.get(LANG_KEY))
            await profile_action(str(metadata[CANDIDATE_KEY]), lang).send(for_id=step["id"])
    cl.user_session.set("cards", known)
    cl.user_session.set("lang", lang)  # the language of the latest cards, until the user says another


@cl.on_chat_end
async def on_chat_end() -> None:
    await _stop_viewing()


# --- turns ---------------------------------------------------------------------------------------------


def _user_id() -> str:
    user = cl.user_session.get("user")
    return user.identifier if user is not None else "anonymous"


def _thread_id() -> str:
    return str(cl.context.session.thread_id)


def _lang() -> UiLang:
    """The conversation's language so far (French until a turn says otherwise)."""
    return ui_lang(cl.user_session.get("lang"))


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
    lang = turn_language(text, previous=cl.user_session.get("lang"))  # the answer may still decide, below

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
        step.output = step_output(status, content, artifact, lang)
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
    offers = out.artifacts("offers")
    candidates = out.artifacts("candidates") if cl.user_session.get("role") == "recruiter" else []
    shown = {str(r["id"]) for a in (offers[-1:] + candidates[-1:]) for r in a.get("results") or []}
    lang = turn_language(text, out.answer, cl.user_session.get("lang"))
    cl.user_session.set("lang", lang)
    # The cards are the one list of results: the answer keeps its count and criteria, not the list again.
    answer.content = summarised(out.answer, shown, say(lang, "below"))
    if answer.streaming:
        await answer.update()
    else:
        await answer.send()
    cards = await asyncio.to_thread(rt.cards.offer_cards, offers[-1], lang) if offers else []
    if cards:
        await _offer_cards(rt, cards, offers[-1], lang)
    if candidates:
        await _candidate_cards(candidates[-1], lang)


def _chart(name: str, figure: Any, size: str = "large") -> cl.Plotly:
    chart = cl.Plotly(name=name, figure=figure, display="inline", size=size)  # type: ignore[arg-type]
    chart.content = figure_json(figure)  # no toolbar over the data
    return chart


async def _offer_cards(rt: UiRuntime, cards: list[OfferCard], artifact: dict[str, Any], lang: UiLang) -> None:
    known: dict[str, OfferCard] = cl.user_session.get("cards") or {}
    for card in cards:
        known[card.id] = card
        await cl.Message(
            content=offer_markdown(card),
            actions=offer_actions(
                card.id, card.lang, scored=card.score is not None or card.abstained is not None
            ),
            metadata={CARD_KEY: card.to_dict()},
        ).send()
    cl.user_session.set("cards", known)
    centre = _centre(rt, artifact.get("applied") or {})
    figure = results_map(cards, centre, lang)
    if figure is not None:
        where = say(lang, "map_around" if centre else "map")
        await cl.Message(content=where, elements=[_chart("carte-des-offres", figure)]).send()


def _centre(rt: UiRuntime, applied: dict[str, Any]) -> tuple[float, float] | None:
    if not applied.get("place") or not applied.get("radius_km"):
        return None
    try:
        place = rt.context.places.resolve(str(applied["place"]))
    except BassinError:
        return None
    return (place.lat, place.lon)


async def _candidate_cards(artifact: dict[str, Any], lang: UiLang) -> None:
    for card in candidate_cards(artifact, lang):
        await cl.Message(
            content=candidate_markdown(card, lang),
            actions=[profile_action(card.id, lang)],
            metadata={CANDIDATE_KEY: card.id, LANG_KEY: lang},
        ).send()


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
    lang = turn_language(text, previous=cl.user_session.get("lang"))
    cl.user_session.set("lang", lang)
    cl.user_session.set("pending_cv", {"path": str(path), "name": element.name, "text": text})
    cl.user_session.set("pending_parsed", parsed)
    summary = cv_confirmation(profile_summary(parsed.profile), lang)
    await cl.Message(content=summary, actions=cv_actions(lang)).send()


@cl.action_callback("cv_confirm")
async def on_cv_confirm(action: cl.Action) -> None:
    pending = cl.user_session.get("pending_cv")
    parsed = cl.user_session.get("pending_parsed")
    if not pending or parsed is None:
        await cl.Message(content=say(_lang(), "no_pending_cv")).send()
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
    await _answer(f"{pending['text'] or say(_lang(), 'my_cv')} [fichier: {file_id}]")


@cl.action_callback("cv_cancel")
async def on_cv_cancel(action: cl.Action) -> None:
    pending = cl.user_session.get("pending_cv")
    if pending:
        await asyncio.to_thread(Path(pending["path"]).unlink, missing_ok=True)
    cl.user_session.set("pending_cv", None)
    cl.user_session.set("pending_parsed", None)
    await action.remove()
    await cl.Message(content=say(_lang(), "cv_dropped")).send()


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
        await cl.Message(content=say(_lang(), "gone")).send()
        return
    elements = []
    if any(abs(p.points) >= 0.5 for p in card.parts):
        elements.append(_chart(f"score-{card.id}", score_breakdown(card), size="medium"))
    await cl.Message(content=why_markdown(card), elements=elements).send()


@cl.action_callback("details")
async def on_details(action: cl.Action) -> None:
    await _stop_viewing()
    card = _card(action)
    if card is None:
        return
    await _record(card, "viewed")
    cl.user_session.set("viewing", (card.id, time.time()))
    await _answer(say(card.lang, "details_of", id=card.id))


async def _feedback(action: cl.Action, kind: str) -> None:
    """Record ``kind`` for the action's offer and say so (``kind`` names the sentence too)."""
    await _stop_viewing()
    card = _card(action)
    if card is None:
        return
    await _record(card, kind)
    await cl.Message(content=say(card.lang, kind, title=card.title, id=card.id)).send()


@cl.action_callback("save")
async def on_save(action: cl.Action) -> None:
    await _feedback(action, "saved")


@cl.action_callback("applied")
async def on_applied(action: cl.Action) -> None:
    await _feedback(action, "applied")


@cl.action_callback("thumbs_up")
async def on_thumbs_up(action: cl.Action) -> None:
    await _feedback(action, "thumbs_up")


@cl.action_callback("thumbs_down")
async def on_thumbs_down(action: cl.Action) -> None:
    await _feedback(action, "thumbs_down")


@cl.action_callback("open_profile")
async def on_open_profile(action: cl.Action) -> None:
    if cl.user_session.get("role") != "recruiter":
        await cl.Message(content=say(_lang(), "recruiters_only")).send()
        return
    rt = await runtime()
    candidate_id = str(action.payload.get("candidate_id"))
    data = await asyncio.to_thread(rt.candidates.personal_data, candidate_id)
    await cl.Message(content=personal_markdown(candidate_id, data, _lang())).send()
