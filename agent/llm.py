"""The chat model of the agent, chosen by settings: Mistral, any OpenAI-compatible server, or offline.

``effective_provider`` falls back to the offline planner when the chosen provider cannot be reached
without a key: Mistral or OpenAI without its API key and without a ``BASSIN_LLM_BASE_URL`` (local servers
such as Ollama, vLLM or llama.cpp need no key). With a real model, the offline planner is also the
fallback of a failed turn (``agent.graph``), and ``BASSIN_LLM_MODE=phrase`` keeps it in charge of the tool
calls (``agent.phrased``).
"""

from __future__ import annotations

import logging
from typing import Literal, Protocol

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from agent.planner import OfflinePlanner
from services.utterance import UtteranceReader
from services.utterance.reading import Gazetteer, Taxonomy, job_title_words

Provider = Literal["offline", "mistral", "openai"]
LlmMode = Literal["agent", "phrase"]
"""``agent``: the LLM plans the tool calls and writes the answer; ``phrase``: the offline planner reads the
request and runs the tools, the LLM only words the answer (``agent.phrased``)."""
DEFAULT_MODELS: dict[str, str] = {"mistral": "mistral-small-latest", "openai": "gpt-4o-mini"}
# Local servers accept any key but the OpenAI client insists on one.
LOCAL_SERVER_KEY = "not-needed"

log = logging.getLogger(__name__)


class LlmSettings(Protocol):
    """What the chat model is chosen by (``app.settings.Settings`` has these fields)."""

    @property
    def llm_provider(self) -> Provider: ...

    @property
    def llm_model(self) -> str | None: ...

    @property
    def llm_base_url(self) -> str | None: ...

    @property
    def llm_mode(self) -> LlmMode: ...

    @property
    def llm_timeout_s(self) -> float: ...

    @property
    def llm_max_tokens(self) -> int | None: ...

    @property
    def llm_max_retries(self) -> int: ...

    @property
    def mistral_api_key(self) -> SecretStr | None: ...

    @property
    def openai_api_key(self) -> SecretStr | None: ...


def effective_provider(settings: LlmSettings) -> Provider:
    """The provider that will answer: the configured one, or ``offline`` when it has no way in."""
    provider = settings.llm_provider
    if provider == "mistral" and settings.mistral_api_key is None and not settings.llm_base_url:
        return "offline"
    if provider == "openai" and settings.openai_api_key is None and not settings.llm_base_url:
        return "offline"
    return provider


def create_chat_model(settings: LlmSettings, *, gazetteer: Gazetteer, taxonomy: Taxonomy) -> BaseChatModel:
    """The agent's chat model; tools are bound later by the graph (``bind_tools``).

    Args:
        settings: provider, mode, model, base URL, keys, timeout.
        gazetteer: places for the offline planner.
        taxonomy: skills for the offline planner.
    """
    provider = effective_provider(settings)
    if provider != settings.llm_provider:
        log.info("llm_provider=%s has no API key: the offline planner answers", settings.llm_provider)
    planner = offline_planner(gazetteer, taxonomy)
    if provider == "offline":
        return planner
    llm = remote_chat_model(settings)
    if settings.llm_mode == "phrase":
        from agent.phrased import PhrasedPlanner

        return PhrasedPlanner(planner=planner, writer=llm)
    return llm


def remote_chat_model(settings: LlmSettings) -> BaseChatModel:
    """The provider's chat client (Mistral, or any OpenAI-compatible server)."""
    if settings.llm_provider == "mistral":
        from langchain_mistralai import ChatMistralAI

        return ChatMistralAI(
            model_name=settings.llm_model or DEFAULT_MODELS["mistral"],
            api_key=settings.mistral_api_key or SecretStr(LOCAL_SERVER_KEY),
            base_url=settings.llm_base_url,
            temperature=0.0,
            max_tokens=settings.llm_max_tokens,
            timeout=max(1, round(settings.llm_timeout_s)),
            max_retries=settings.llm_max_retries,
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model or DEFAULT_MODELS["openai"],
        api_key=settings.openai_api_key or SecretStr(LOCAL_SERVER_KEY),
        base_url=settings.llm_base_url,
        temperature=0.0,
        max_completion_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        stream_chunk_timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
    )


def offline_planner(gazetteer: Gazetteer, taxonomy: Taxonomy) -> OfflinePlanner:
    """The rule-based planner: the offline model, and the fallback of an LLM's failed turn."""
    from referentials.taxonomy import default_rome

    words = job_title_words(default_rome())
    return OfflinePlanner(reader=UtteranceReader(gazetteer, taxonomy, job_words=words))
