"""English job names read through the embedder's nearest ROME appellations (``services.crosslingual``)."""

from __future__ import annotations

import numpy as np
import pytest

from evals.occupation_en.runner import load_titles, readers
from referentials.occupation import default_occupations
from referentials.taxonomy import default_rome
from services.crosslingual import AppellationVectors, CrossLingualOccupations
from services.occupation_reading import read_occupation


@pytest.fixture(scope="module")
def reader() -> CrossLingualOccupations:
    product = readers()["bassin (with nearest appellations)"]
    assert isinstance(product, CrossLingualOccupations)
    return product


@pytest.mark.parametrize(
    ("english", "code"),
    [("nurse", "J1506"), ("electrician", "F1602"), ("waiter", "G1803")],  # dev titles of evals/occupation_en
)
def test_english_job_names_read_as_the_french_occupation(
    reader: CrossLingualOccupations, english: str, code: str
) -> None:
    # the classifier alone files these under aide-soignant, industrial maintenance, maître d'hôtel
    assert default_occupations().classify(english, k=1)[0].code != code
    assert read_occupation(english, default_rome(), reader).codes[0] == code


@pytest.mark.parametrize(
    ("english", "code", "trusted"),
    [
        ("nursing assistant", "J1501", True),  # « aide-soignant »: an appellation, read with certainty
        ("cashier", "D1505", True),  # « hôte de caisse »; the English reading said treasurer
    ],  # dev titles of evals/occupation_en
)
def test_english_job_names_are_also_read_in_their_french_words(
    reader: CrossLingualOccupations, english: str, code: str, trusted: bool
) -> None:
    read = read_occupation(english, default_rome(), reader)
    assert (read.codes[0], read.trusted) == (code, trusted)


def test_a_vague_french_rendering_is_never_trusted(reader: CrossLingualOccupations) -> None:
    """ "speech therapist" renders as « thérapeute », which names no appellation: its reading may rank the
    offers, never drop the others as unrelated (a dev title of evals/occupation_en)."""
    assert not read_occupation("speech therapist", default_rome(), reader).trusted


@pytest.mark.parametrize(
    "french", ["soudeur", "aide à domicile", "développeur python", "plombier chauffagiste"]
)
def test_french_text_is_left_to_the_classifier(reader: CrossLingualOccupations, french: str) -> None:
    assert not reader.is_foreign(french)
    assert reader.classify(french, k=3) == list(default_occupations().classify(french, k=3))


def test_the_split_is_stable_and_labels_are_rome_codes() -> None:
    titles = load_titles()
    assert len({t.id for t in titles}) == len(titles) >= 200
    held = [t for t in titles if t.split == "held_out"]
    assert 0.25 < len(held) / len(titles) < 0.42
    codes = set(default_rome().codes())
    assert all(
        t.gold in codes or (len(t.gold) == 3 and any(c.startswith(t.gold) for c in codes)) for t in titles
    )


def test_quantised_vectors_keep_the_nearest_appellation() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)

    class Fixed:
        def embed_documents(self, texts: list[str]) -> np.ndarray:
            return vectors[: len(texts)]

    pairs = [(f"A{i:04d}", f"titre {i}") for i in range(50)]
    built = AppellationVectors.build(pairs, Fixed(), "test")  # type: ignore[arg-type]
    for i in (0, 17, 49):
        assert built.nearest(vectors[i], k=1)[0][:2] == pairs[i]


def test_the_appellation_vectors_are_read_once() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(20, 8)).astype(np.float32)

    class Fixed:
        model_id = "test"

        def embed_documents(self, texts: list[str]) -> np.ndarray:
            return vectors[: len(texts)]

        def embed_query(self, text: str) -> np.ndarray:
            return vectors[len(text) % 20]

    pairs = [(f"A{i:04d}", f"titre {i}") for i in range(20)]
    built = AppellationVectors.build(pairs, Fixed(), "test")  # type: ignore[arg-type]
    loads: list[int] = []

    def load() -> AppellationVectors:
        loads.append(1)  # the shipped file: ~40 ms to decompress, it was read again for every English text
        return built

    reader = CrossLingualOccupations(
        default_occupations(),
        embedder=Fixed,  # type: ignore[arg-type]
        vectors=load,
        label_of=default_rome().label,
        french_word=lambda _word: False,
    )
    for text in ("nurse", "software engineer", "waiter"):
        assert reader.is_foreign(text)
        reader.classify(text)
    assert loads == [1]


def test_a_likely_code_the_request_does_not_name_is_a_related_occupation(
    reader: CrossLingualOccupations,
) -> None:
    nurse = read_occupation("nurse", default_rome(), reader)
    assert nurse.codes[0] == "J1506" and "J1501" in nurse.codes, "aide-soignant offers are still retrieved"
    assert nurse.grade("J1506") == "same_code"
    assert nurse.grade("J1501") == "same_family", (
        "an aide-soignant offer is not « same occupation » for a nurse"
    )
    forklift = read_occupation("forklift driver", default_rome(), reader)
    assert forklift.grade("N1101") == "same_code", (
        "cariste, nearly as likely as the best reading, is asked too"
    )
    developer = read_occupation("développeur", default_rome(), default_occupations())
    assert developer.broad and {"M1805", "M1855"} <= set(developer.codes)
    assert {developer.grade(c) for c in ("M1805", "M1855", developer.codes[0])} == {"same_code"}
    assert developer.label == "Développeur / Développeuse informatique", (
        "named as asked, not « Data engineer »"
    )
