"""The turn checks on hand-made observations: each expectation fails when the agent misbehaves."""

from __future__ import annotations

import pytest

from evals.dialogues_runner.checks import Observation, ToolOutcome, score_turn
from evals.dialogues_runner.facts import ResultFacts, StoreFacts
from evals.dialogues_runner.spec import Expectation
from referentials.geo import default_gazetteer


def offer(ident: str, *, contract: str = "CDI", lat: float = 45.76, lon: float = 4.84, rome: str = "M1805",
          skills: tuple[str, ...] = ("python",), xp: int | None = 12) -> ResultFacts:  # fmt: skip
    return ResultFacts(ident, "offer", f"offre {ident}", rome, frozenset({contract}), "69", lat, lon, xp, None,
                       None, frozenset(skills))  # fmt: skip


FACTS = StoreFacts([offer("1000001"), offer("1000002", contract="MIS"), offer("1000003", lat=48.85, lon=2.35),
                    offer("1000004", rome="K2204", skills=())])  # fmt: skip


@pytest.fixture(scope="module")
def places():  # type: ignore[no-untyped-def]
    return default_gazetteer().load()


def seen(ids: list[str], *, args: dict[str, object] | None = None, answer: str = "Voici les offres.",
         cited: list[str] | None = None) -> Observation:  # fmt: skip
    search = ToolOutcome("search_offers", args or {"query": "développeur"}, "success", "",
                         {"kind": "offers", "ids": ids})  # fmt: skip
    return Observation(answer, [search], cited or [], [], set(ids), 10.0)


def check(expect: dict[str, object], observation: Observation, places) -> list[str]:  # type: ignore[no-untyped-def]
    return score_turn(Expectation.model_validate(expect), observation, language="fr", facts=FACTS,
                      places=places).failures  # fmt: skip


def test_constraints_are_checked_on_the_stored_results(places) -> None:  # type: ignore[no-untyped-def]
    expect = {"constraints": {"contracts": ["CDI"], "near": {"place": "Lyon", "radius_km": 30}}}
    assert check(expect, seen(["1000001"], args={"contracts": ["CDI"]}), places) == []
    failures = check(expect, seen(["1000001", "1000002", "1000003"], args={"contracts": ["CDI"]}), places)
    assert len(failures) == 2 and "1000002" in failures[0] and "from Lyon" in failures[1]


def test_a_language_constraint_fails_on_a_result_that_does_not_list_it(places) -> None:  # type: ignore[no-untyped-def]
    english = ResultFacts("cv-0000000001", "candidate", "Comptable", None, frozenset(), None, None, None, 60,
                          None, None, frozenset(), frozenset({"anglais"}))  # fmt: skip
    facts = StoreFacts([english, offer("1000001")])
    expect = Expectation.model_validate({"constraints": {"languages": ["anglais"]}})
    ok = score_turn(expect, seen(["cv-0000000001"]), language="fr", facts=facts, places=places).failures
    bad = score_turn(expect, seen(["cv-0000000001", "1000001"]), language="fr", facts=facts, places=places)
    assert ok == [] and len(bad.failures) == 1 and "languages missing: anglais" in bad.failures[0]


def test_arguments_exact_and_subset(places) -> None:  # type: ignore[no-untyped-def]
    call = {"name": "search_offers", "args": {"query": "Développeur"}}
    assert check({"calls": [call]}, seen([], args={"query": "developpeur", "place": "Lyon"}), places) == []
    assert check({"calls": [{**call, "match": "exact"}]}, seen([], args={"query": "developpeur", "place": "Lyon"}),
                 places)  # fmt: skip
    assert check({"calls": [{"name": "search_offers", "args": {"contracts": ["CDI"]}}]},
                 seen([], args={"contracts": ["CDI", "CDD"]}), places)  # fmt: skip


def test_tools_ids_rome_phrases_and_citations(places) -> None:  # type: ignore[no-untyped-def]
    obs = seen(["1000001", "1000004"], answer="Voir [1000001] et [9999999].", cited=["1000001"])
    obs.flagged_ids = ["9999999"]
    failures = check({"tools": ["search_offers", "score_match"], "ids": {"must": ["1000003"]},
                      "rome": {"must_not": ["K22"]}, "must_not_say": ["voir"]}, obs, places)  # fmt: skip
    assert len(failures) == 5
    assert any("9999999" in f for f in failures)


def test_answer_language_ignores_quoted_offer_text(places) -> None:  # type: ignore[no-untyped-def]
    english = (
        "10 offer(s) — near Lyon: 1. [1000001] « Développeur de la ville » — only the best, with the fit"
    )
    assert check({"language": "en"}, seen([], answer=english), places) == []
    assert check({"language": "en"}, seen([], answer="Voici les offres de la ville pour vous"), places)


def test_an_id_the_user_typed_counts_only_when_not_flagged(places) -> None:  # type: ignore[no-untyped-def]
    """The guard shows an echoed id (typed by the user, reported not found) without citing or flagging it;
    an id the guard flagged is unfaithful even when the user typed it: the eval keeps no exception."""
    notfound = ToolOutcome("get_offer_details", {"offer_ids": ["ZZZ9999"]}, "error",
                           "Offre(s) introuvable(s) : ZZZ9999", {"not_found": ["ZZZ9999"]})  # fmt: skip
    echoed = Observation("Offre(s) introuvable(s) : ZZZ9999", [notfound], [], [], set(), 10.0)
    expect = Expectation.model_validate({"errors": "expected"})
    score = score_turn(expect, echoed, language="fr", facts=FACTS, places=places)
    assert score.passed and score.faithfulness is None
    flagged = Observation("ZZZ9999 : [id non vérifié]", [notfound], [], ["ZZZ9999"], set(), 10.0)
    score = score_turn(expect, flagged, language="fr", facts=FACTS, places=places)
    assert score.faithfulness == 0.0 and any("ZZZ9999" in f for f in score.failures)
