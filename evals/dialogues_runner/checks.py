"""Checking one replayed turn against its expectations: deterministic metrics and named failures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from domain.text import fold_offsets
from evals.dialogues_runner.facts import PlaceResolver, StoreFacts, violations
from evals.dialogues_runner.spec import Expectation, ExpectedCall, Lang
from evals.retrieval.metrics import ndcg_at_k
from services.utterance.text import guess_language

K = 10
SEARCH_KINDS = frozenset({"offers", "candidates"})
# Quoted offer/CV text and ids are data in their own language: the answer's language is the rest.
_DATA = re.compile(r"«[^»]*»|“[^”]*”|\[[^\]]*\]")  # quoted data (titles, ROME labels), ids


@dataclass
class ToolOutcome:
    """One tool call of the turn and what came back (``artifact`` is the tool's result dict)."""

    name: str
    args: dict[str, Any]
    status: str
    content: str
    artifact: dict[str, Any] | None = None

    @property
    def ids(self) -> list[str]:
        return [str(i) for i in (self.artifact or {}).get("ids") or []]

    @property
    def matched_ids(self) -> list[str]:
        """Ids presented as matches: the nearest offers shown when nothing matched are said to be outside
        the request's place or contract, so they are not held to its constraints."""
        alternatives = int(((self.artifact or {}).get("no_match") or {}).get("alternatives") or 0)
        return self.ids[alternatives:]

    @property
    def is_search(self) -> bool:
        return self.status != "error" and (self.artifact or {}).get("kind") in SEARCH_KINDS


@dataclass
class Observation:
    """What the agent did in one turn."""

    answer: str
    tools: list[ToolOutcome]
    cited_ids: list[str]
    flagged_ids: list[str]
    thread_ids: set[str]
    """Every id a tool returned in the thread so far (the ids an answer may cite)."""
    latency_ms: float


@dataclass
class TurnScore:
    """The turn's metrics (None where the turn does not measure it) and what failed, in words."""

    tool_call: float | None = None
    args: list[float] = field(default_factory=list)
    results_checked: int = 0
    results_violating: int = 0
    ndcg: float | None = None
    faithfulness: float | None = None
    language: float | None = None
    latency_ms: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def score_turn(
    expect: Expectation, seen: Observation, *, language: Lang, facts: StoreFacts, places: PlaceResolver
) -> TurnScore:
    """Compare ``seen`` with ``expect``; every check that fails adds a line to ``failures``."""
    score = TurnScore(latency_ms=seen.latency_ms)
    fail = score.failures.append
    names = [t.name for t in seen.tools]
    if expect.tools is not None:
        score.tool_call = float(names == expect.tools)
        if not score.tool_call:
            fail(f"tools {names} != expected {expect.tools}")
    for wanted in expect.calls:
        ok, why = _call_matches(wanted, seen.tools)
        score.args.append(float(ok))
        if not ok:
            fail(why)

    errors = [t for t in seen.tools if t.status == "error"]
    if expect.errors == "none" and errors:
        fail("tool error: " + "; ".join(f"{t.name}: {t.content[:160]}" for t in errors))
    if expect.errors == "expected" and not errors:
        fail("a tool error was expected, every tool succeeded")

    searches = [t for t in seen.tools if t.is_search]
    result_ids = list(dict.fromkeys(i for t in searches for i in t.matched_ids))
    returned = {i for t in seen.tools if t.status != "error" for i in t.ids}
    if expect.results is not None:
        n = len(result_ids)
        if n < expect.results.min or (expect.results.max is not None and n > expect.results.max):
            fail(
                f"{n} results, expected {expect.results.min}..{expect.results.max if expect.results.max is not None else '∞'}"
            )
    if not expect.constraints.is_empty():
        for ident in result_ids:
            found = facts.get(ident)
            score.results_checked += 1
            broken = ["not in the store"] if found is None else violations(found, expect.constraints, places)
            if broken:
                score.results_violating += 1
                fail(f"result {ident} ({found.title if found else '?'}): {'; '.join(broken)}")
    for ident in expect.ids.must:
        if ident not in returned:
            fail(f"id {ident} not returned")
    for ident in expect.ids.must_not:
        if ident in returned:
            fail(f"id {ident} returned")
    romes = [(i, (facts.get(i).rome if facts.get(i) else None) or "") for i in result_ids]  # type: ignore[union-attr]
    for prefix in expect.rome.must:
        if not any(code.startswith(prefix) for _, code in romes[:K]):
            fail(f"no ROME {prefix}* in the top {K}: {[c for _, c in romes[:K]]}")
    for prefix in expect.rome.must_not:
        bad = [i for i, code in romes if code.startswith(prefix)]
        if bad:
            fail(f"ROME {prefix}* returned: {bad}")
    if expect.relevance:
        score.ndcg = _ndcg(expect, [c for _, c in romes], facts, places)

    text = fold_offsets(seen.answer)
    for phrase in expect.say:
        if fold_offsets(phrase) not in text:
            fail(f"answer lacks {phrase!r}")
    for phrase in expect.must_not_say:
        if fold_offsets(phrase) in text:
            fail(f"answer says {phrase!r}")
    cited = set(seen.cited_ids) | set(seen.flagged_ids)
    if cited:
        grounded = {i for i in cited if i in seen.thread_ids}
        score.faithfulness = len(grounded) / len(cited)
        if score.faithfulness < 1:
            fail(f"cites ids no tool returned: {sorted(cited - grounded)}")
    wanted_lang = expect.language or language
    said = guess_language(_DATA.sub(" ", seen.answer))
    score.language = float(said in (wanted_lang, None))
    if not score.language:
        fail(f"answer in {said}, expected {wanted_lang}")
    return score


def _grade(code: str, relevance: dict[str, int]) -> int:
    """The grade of the longest ROME prefix of ``relevance`` that ``code`` starts with."""
    best = max((p for p in relevance if code.startswith(p)), key=len, default=None)
    return relevance[best] if best is not None else 0


def _ndcg(expect: Expectation, codes: list[str], facts: StoreFacts, places: PlaceResolver) -> float:
    """nDCG@10 of the returned offers, the ideal being every stored offer meeting the constraints."""
    pool = [
        _grade(f.rome or "", expect.relevance)
        for f in facts.offers()
        if expect.constraints.is_empty() or not violations(f, expect.constraints, places)
    ]
    return ndcg_at_k([_grade(c, expect.relevance) for c in codes[:K]], pool, K)


def _call_matches(wanted: ExpectedCall, tools: list[ToolOutcome]) -> tuple[bool, str]:
    """Whether some call of ``wanted.name`` has the expected arguments, and why not."""
    calls = [t for t in tools if t.name == wanted.name]
    if not calls:
        return False, f"no {wanted.name} call"
    for call in calls:
        if _args_match(wanted.args, call.args, exact=wanted.match == "exact"):
            return True, ""
    shown = {k: v for k, v in calls[0].args.items() if k != "runtime"}
    return False, f"{wanted.name} args {shown} do not match ({wanted.match}) {wanted.args}"


def _args_match(expected: dict[str, Any], actual: dict[str, Any], *, exact: bool) -> bool:
    given = {k: v for k, v in actual.items() if v not in (None, "", []) and k != "runtime"}
    if exact and set(given) != {k for k, v in expected.items() if v not in (None, "", [])}:
        return False
    return all(_same(v, given.get(k)) for k, v in expected.items())


def _same(expected: Any, actual: Any) -> bool:
    """Equal up to case and accents for text, order for lists, float rounding for numbers."""
    if expected in (None, [], "") or actual in (None, [], ""):
        return expected in (None, [], "") and actual in (None, [], "")
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return False
        return sorted(map(_norm, expected)) == sorted(map(_norm, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) < 1e-6
    return _norm(expected) == _norm(actual)


def _norm(value: Any) -> str:
    return fold_offsets(str(value)).strip()
