"""Answers about candidates and gaps: hints that fit the results, reasons from the search's own facts."""

from __future__ import annotations

from typing import Any

from agent.planner.compose import Outcome, compose
from agent.planner.compose_candidates import candidate_recap, candidates_answer, missing_answer
from agent.planner.decide import TurnPlan


def _row(rank: int, ident: str, **extra: Any) -> dict[str, Any]:
    return {"rank": rank, "id": ident, "title": "Comptable", "skills": ["Excel", "SAP"], "experience_years": 4.0,
            "score": 1.0 / rank, **extra}  # fmt: skip


def _search(*rows: dict[str, Any]) -> dict[str, Any]:
    applied = {
        "query": "comptables",
        "skills": ["excel"],
        "experience_min_months": 36,
        "languages": ["anglais"],
    }
    return {"kind": "candidates", "ids": [r["id"] for r in rows], "applied": applied, "skill_labels": ["Excel"],
            "results": list(rows)}  # fmt: skip


def test_one_candidate_is_never_offered_a_comparison() -> None:
    one = candidates_answer(_search(_row(1, "cv-aaaaaaaaaaaa")), "fr")
    two = candidates_answer(_search(_row(1, "cv-aaaaaaaaaaaa"), _row(2, "cv-bbbbbbbbbbbb")), "en")
    assert "compare" not in one and "pourquoi le 1 ?" in one and "parle anglais" in one
    assert "compare 1 and 2" in two and "speaks anglais" in two


def test_one_offer_is_never_pointed_at_as_the_2nd() -> None:
    offers = {"kind": "offers", "ids": ["A000001"], "applied": {"query": "comptable"},
              "results": [{"rank": 1, "id": "A000001", "title": "Comptable"}]}  # fmt: skip
    answer = compose(TurnPlan("search", "fr"), [Outcome("search_offers", {}, offers)], [])
    assert "« la 1 » pour le détail" in answer and "la 2" not in answer


def test_why_a_candidate_lists_each_criterion_with_the_candidates_value() -> None:
    history = [
        _search(_row(1, "cv-aaaaaaaaaaaa", languages=["anglais", "espagnol"]), _row(2, "cv-bbbbbbbbbbbb"))
    ]
    plan = TurnPlan("candidate_recap", "fr", data={"ids": ["cv-aaaaaaaaaaaa"], "why": True, "compare": False})
    text = candidate_recap(plan, history, "fr")
    assert "[cv-aaaaaaaaaaaa]" in text and "cv-bbbbbbbbbbbb" not in text
    assert "+ compétence « Excel » : dans le profil" in text
    assert "+ expérience : 4 an(s) (≥ 3 ans demandés)" in text and "+ parle anglais" in text
    profile = candidate_recap(
        TurnPlan("candidate_recap", "fr", data={"ids": ["cv-aaaaaaaaaaaa"]}), history, "fr"
    )
    assert "langues : anglais, espagnol" in profile and "Excel, SAP" in profile


def test_gaps_answer_lists_every_gap_or_says_none() -> None:
    result = {"kind": "match_scores", "basis": "cv", "scores": [
        {"id": "A000001", "title": "Comptable", "score": 40, "gaps": ["g1"], "missing": ["m1", "m2", "m3", "m4", "m5"]},
        {"id": "B000002", "title": "Aide comptable", "score": 80, "gaps": [], "missing": []},
    ]}  # fmt: skip
    text = missing_answer(result, "fr")
    assert "Ce qui manque à votre CV pour [A000001] « Comptable » (40/100) :" in text
    assert all(f"  − m{i}" in text for i in range(1, 6)) and "g1" not in text
    assert "[B000002]" in text and "Rien de ce que l'offre demande" in text


def test_the_nearest_of_the_occupation_then_who_is_at_the_place() -> None:
    """Nobody of the occupation at the place but a related one: the nearest of it first, then a heading for
    who is there, one numbering."""
    near = _row(1, "cv-aaaaaaaaaaaa", location="Pornic", distance_km=113.5, match=60, grade="same_code")
    here = _row(2, "cv-bbbbbbbbbbbb", title="Infirmier", location="Rennes", distance_km=0, match=68,
                grade="same_family")  # fmt: skip
    result = _search(near, here) | {
        "no_match": {"occupation": "Aide-soignant", "place": "Rennes", "radius_km": 30, "alternatives": 1}
    }
    lines = candidates_answer(result, "fr").splitlines()
    assert lines[0].startswith("Aucun candidat « Aide-soignant »") and lines[0].endswith("Les plus proches :")
    assert lines[1].startswith("1. [cv-aaaaaaaaaaaa]") and "(même métier)" in lines[1]
    assert lines[2] == "Métiers proches sur place :"
    assert lines[3].startswith("2. [cv-bbbbbbbbbbbb]") and "(métier proche)" in lines[3]
    english = candidates_answer(result, "en").splitlines()
    assert english[2] == "Related occupations nearby:" and english[3].startswith("2. [cv-bbbbbbbbbbbb]")


def test_a_kind_of_job_lists_unscored_offers_and_asks_which_one() -> None:
    """« technicien »: the offers are listed without a score, then the answer asks which technician, naming
    occupations among them."""
    offers = {"kind": "offers", "ids": ["A000001"], "applied": {"query": "technicien", "place": "Lyon"},
              "results": [{"rank": 1, "id": "A000001", "title": "Technicien SAV"}],
              "narrower": {"word": "technicien", "occupations": ["Technicien / Technicienne de maintenance",
                                                                 "Agent / Agente de désinsectisation"]}}  # fmt: skip
    answer = compose(TurnPlan("search", "fr"), [Outcome("search_offers", {}, offers)], [])
    assert "/100" not in answer
    assert "« technicien » désigne bien des métiers" in answer
    assert "(parmi elles : « Technicien / Technicienne de maintenance », « Agent / Agente" in answer
    english = compose(TurnPlan("search", "en"), [Outcome("search_offers", {}, offers)], [])
    assert "“technicien” covers many jobs" in english and "Say which one (among them:" in english
