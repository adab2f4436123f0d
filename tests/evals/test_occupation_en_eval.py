"""The English occupation eval as a gate: held-out family accuracy, and never worse than the classifier alone."""

from __future__ import annotations

from evals.occupation_en.runner import FAMILY_GATE, load_titles, measure, readers


def test_english_job_names_held_out_gate() -> None:
    held = [t for t in load_titles() if t.split == "held_out"]
    by_reader = {name: measure(reader, held) for name, reader in readers().items()}
    product = by_reader["bassin (with nearest appellations)"]
    alone = by_reader["classifier alone"]
    assert product["family"] >= FAMILY_GATE
    assert product["code"] >= alone["code"] and product["top3"] >= alone["top3"]
