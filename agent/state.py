"""The conversation state: messages plus the small facts that let follow-ups edit the last search.

Only ids and short facts live here, never clients nor whole documents (those stay in the services).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from domain.vocabulary import Role

SearchTool = Literal["search_offers", "search_candidates"]
MAX_KNOWN_IDS = 500


def remember_ids(known: Sequence[str], new: Sequence[str]) -> list[str]:
    """Reducer: ids seen so far plus new ones, first-seen order, capped to the latest ``MAX_KNOWN_IDS``."""
    merged = list(dict.fromkeys([*known, *new]))
    return merged[-MAX_KNOWN_IDS:]


@dataclass
class State:
    """What the graph keeps per conversation thread (checkpointed after every step)."""

    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)
    """The dialogue: user turns, model turns with tool calls, tool results."""

    role: Role = "candidate"
    """Who the user is: a candidate looks for offers, a recruiter also for candidates (set by the app)."""

    active_search: dict[str, Any] | None = None
    """The last search: ``{"tool": "search_offers", "args": {...}}`` with the arguments as applied."""

    last_result_ids: list[str] = field(default_factory=list)
    """Ids of the last search that found any, in rank order ("la deuxième" is ``last_result_ids[1]``)."""

    focus_ids: list[str] = field(default_factory=list)
    """Ids the last turn was about (details, scores): what "celle-ci" / "this one" points to."""

    cv_id: str | None = None
    """File id of the CV parsed in this conversation, for CV-based searches and scores."""

    known_ids: Annotated[list[str], remember_ids] = field(default_factory=list)
    """Every offer/candidate id a tool returned in this thread: the only ids an answer may cite."""

    cited_ids: list[str] = field(default_factory=list)
    """Ids the last answer cites (all checked against ``known_ids``)."""

    flagged_ids: list[str] = field(default_factory=list)
    """Ids the last answer cited without a tool returning them; removed from the answer."""
