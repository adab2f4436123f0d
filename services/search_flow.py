"""The read → search → hydrate flow shared by offer search and candidate search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from domain.filters import haversine_km
from domain.search import ScoreParts, SearchFilters, SearchQuery
from retrieval.hybrid.searcher import HybridSearcher
from retrieval.query.understanding import QueryInterpreter, Target


class StoredRow(Protocol):
    id: int


RowT = TypeVar("RowT", bound=StoredRow)


@dataclass
class RankedRows(Generic[RowT]):
    """What was searched (text left after reading, filters, notes) and the hydrated rows, best first."""

    text: str
    filters: SearchFilters
    notes: list[str]
    rows: list[tuple[RowT, ScoreParts]]


def interpret_and_rank(
    *,
    interpreter: QueryInterpreter,
    searcher: HybridSearcher,
    fetch_rows: Callable[[Sequence[int]], Sequence[RowT]],
    text: str,
    filters: SearchFilters | None,
    top_k: int,
    interpret: bool,
    target: Target,
    exclude: Sequence[int] = (),
) -> RankedRows[RowT]:
    """Read the text into filters (unless ``interpret`` is False), search, and load the rows found
    (never those of ``exclude``)."""
    if interpret:
        u = interpreter.interpret(text, filters, target=target)
        remaining, final, notes = u.text, u.filters, u.notes
    else:
        remaining, final, notes = text, filters or SearchFilters(), []
    ranked = searcher.search(SearchQuery(text=remaining, filters=final, top_k=top_k), exclude=exclude)
    rows = {r.id: r for r in fetch_rows([r.doc_id for r in ranked])}
    return RankedRows(
        remaining, final, notes, [(rows[r.doc_id], r.parts) for r in ranked if r.doc_id in rows]
    )


def distance_km(filters: SearchFilters, lat: float | None, lon: float | None) -> float | None:
    """Distance from the searched place, when there is one and the row has coordinates."""
    if filters.geo is None or lat is None or lon is None:
        return None
    return round(haversine_km(filters.geo.lat, filters.geo.lon, lat, lon), 1)
