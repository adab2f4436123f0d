"""Occupation understanding: free-text titles → ROME codes, confidences, relatedness grades, the eval gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.occupation.runner import accuracy, classifier_ranker, load_gates, splits
from offline.occupation_build import REAL_OFFERS, LabelledTitle, build_index, held_out, read_offer_titles
from referentials.occupation import (
    OccupationClassifier,
    Relatedness,
    default_occupations,
    relatedness,
)
from referentials.occupation.text import clean_title, title_words


@pytest.fixture(scope="module")
def occupations() -> OccupationClassifier:
    return default_occupations()


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("cariste", "N1101"),
        ("Aide-soignante", "J1501"),
        ("comptable", "M1203"),
        ("Serveur / Serveuse", "G1803"),
        ("Chef de chantier", "F1202"),
        ("Data analyst", "M1403"),
        ("Data Engineer", "M1811"),
    ],
)
def test_known_titles_rank_their_code_first(occupations: OccupationClassifier, title: str, code: str) -> None:
    assert occupations.classify(title)[0].code == code


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("AIDE-SOIGNANTE DE NUIT (H/F) - CDI URGENT", "J1501"),
        ("Cuisinier / Cuisinière (H/F) 2 200 € brut", "G1609"),
        ("Préparateur de commandes F/H - intérim", "N1103"),
        ("devloppeur web (h/f/d)", "M1855"),
    ],
)
def test_noisy_offer_titles(occupations: OccupationClassifier, title: str, code: str) -> None:
    assert code in [g.code for g in occupations.classify(title, k=3)]


def test_title_noise_is_cut() -> None:
    assert title_words("CHARGE DE PROJETS (H/F) H/F - CDI 35K€ brut URGENT") == ["charge", "projet"]
    assert "h/f" not in clean_title("Dératiseur (h/f/d)")
    assert title_words("Assistant(e) de direction") == ["assistant", "direction"]


def test_guesses_are_ranked_and_confidences_are_probabilities(occupations: OccupationClassifier) -> None:
    guesses = occupations.classify("Aide-soignante de nuit (H/F)", k=5)
    assert len(guesses) == 5
    assert [g.score for g in guesses] == sorted((g.score for g in guesses), reverse=True)
    assert all(0.0 <= g.confidence <= 1.0 for g in guesses)
    assert sum(g.confidence for g in guesses) <= 1.0 + 1e-6
    assert guesses[0].confidence > 0.5
    assert guesses[0].label == occupations.label("J1501")
    assert guesses[0].appellation == "Aide-soignant / Aide-soignante"


def test_classification_is_deterministic(occupations: OccupationClassifier) -> None:
    assert occupations.classify("Technicien de maintenance") == occupations.classify(
        "Technicien de maintenance"
    )


@pytest.mark.parametrize("text", ["", "   ", "(H/F) CDI URGENT", "12345"])
def test_empty_input_gives_nothing(occupations: OccupationClassifier, text: str) -> None:
    assert occupations.classify(text) == []


@pytest.mark.parametrize("text", ["xqzt blorf", "asdfgh qwerty"])
def test_garbage_gives_low_confidence(occupations: OccupationClassifier, text: str) -> None:
    assert all(g.confidence < 0.2 for g in occupations.classify(text))


def test_relatedness_grades() -> None:
    assert relatedness("M1805", "m1805") is Relatedness.same_code
    assert relatedness("M1805", "M1810") is Relatedness.same_family
    assert relatedness("M1805", "M1203") is Relatedness.same_domain
    assert relatedness("M1805", "J1501") is Relatedness.unrelated
    assert relatedness("", "J1501") is Relatedness.unrelated


def test_split_is_stable_and_holds_out_a_third() -> None:
    ids = [f"{i:07d}" for i in range(3000)]
    share = sum(held_out(i) for i in ids) / len(ids)
    assert 0.3 < share < 0.37
    assert [held_out(i) for i in ids] == [held_out(i) for i in ids]


def test_build_index_from_a_tiny_referential() -> None:
    labels = {"N1101": "Cariste", "G1803": "Serveur / Serveuse en restauration"}
    reference = [
        ("Cariste", "N1101", "Cariste"),
        ("Serveur en restauration", "G1803", "Serveur / Serveuse en restauration"),
        ("Serveuse en restauration", "G1803", "Serveur / Serveuse en restauration"),
    ]
    offers = [LabelledTitle("1", "Conducteur de chariot élévateur (H/F)", "N1101", "")]
    params = {"second_weight": 0.3, "prior_weight": 0.03, "temperature": 0.1, "none_score": 0.5}
    tiny = OccupationClassifier(build_index(labels, reference, offers, params))
    assert tiny.classify("serveuse")[0].code == "G1803"
    best = tiny.classify("chariot élévateur")[0]
    assert (best.code, best.appellation) == ("N1101", "Cariste")  # an offer title points at its code's label


@pytest.mark.skipif(
    not Path(REAL_OFFERS).exists(), reason="needs ../shared/data (real France Travail offers)"
)
def test_held_out_sample_meets_the_eval_gates(occupations: OccupationClassifier) -> None:
    """A 600-title sample of the held-out offers, within sampling error (0.03) of the gates of ``bassin eval``."""
    sample = splits(read_offer_titles(REAL_OFFERS))["held_out"][:600]
    measured = accuracy(classifier_ranker(occupations), sample)
    for metric, gate in load_gates().items():
        split, name = metric.split(".")
        assert split == "held_out"
        assert measured[name] >= gate["min"] - 0.03, (metric, measured)
