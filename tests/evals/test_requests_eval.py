"""The request-understanding table (``evals/requests/``) read by the offline planner, gated by thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from evals.requests.runner import (
    Case,
    Reader,
    compare,
    evaluate,
    gate_failures,
    load_cases,
    load_gates,
    offline_reader,
)


@pytest.fixture(scope="module")
def reader() -> Reader:
    return offline_reader()


def test_table_is_large_split_and_labelled() -> None:
    cases = load_cases()
    assert len(cases) >= 300
    held_out = [c for c in cases if c.split == "held_out"]
    assert 0.25 <= len(held_out) / len(cases) <= 0.42
    assert sum(c.lang == "en" for c in cases) >= 40
    assert any(c.expect.get("reply") == "career_change" for c in held_out)
    assert sum(len(c.text) >= 5000 for c in cases) >= 5


def test_an_unlabelled_field_that_is_set_counts_as_wrong() -> None:
    case = Case("x", "cariste à Lyon", "fr", {"query": "Cariste", "place": "Lyon", "radius_km": 30})
    assert compare(case, {"query": "cariste", "place": "Lyon", "radius_km": 30.0}) == []
    assert compare(case, {"query": "cariste", "place": "Lyon", "radius_km": 30.0, "contracts": ["CDI"]}) == [
        "contracts"
    ]


def test_offline_planner_meets_the_thresholds_on_dev_and_held_out(reader: Reader) -> None:
    by_split, _ = evaluate(reader)
    assert gate_failures(by_split, load_gates()) == []


def test_a_planner_that_ignores_places_fails_the_gates(reader: Reader) -> None:
    def placeless(text: str) -> dict[str, Any]:
        got = reader(text)
        got.pop("place", None)
        got.pop("radius_km", None)
        return got

    by_split, _ = evaluate(placeless)
    failures = gate_failures(by_split, load_gates())
    assert any(f.startswith("dev ") for f in failures) and any(f.startswith("held_out ") for f in failures)
    assert by_split["dev"]["fields"]["place"]["accuracy"] < 0.2
