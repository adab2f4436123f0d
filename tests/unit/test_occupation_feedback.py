"""An occupation the text does not name is read from the best results' titles, never trusted."""

from __future__ import annotations

from pathlib import Path

from cv import parse_cv_text
from referentials.occupation import default_occupations
from referentials.taxonomy import default_rome
from services.occupation_reading import (
    NO_OCCUPATION,
    WordedReader,
    kind_of_job,
    occupation_from_titles,
    read_occupation,
)
from services.profile_search import profile_occupation
from tests.graph.fakes import offer_row


def rows(*pairs: tuple[str, str]) -> list:  # type: ignore[type-arg]
    return [offer_row(f"{i}", title, rome_code=code) for i, (title, code) in enumerate(pairs, start=100)]


def test_titles_sharing_the_words_and_one_code_name_the_occupation() -> None:
    best = rows(
        ("Accompagnateur/trice périscolaire (H/F)", "G1203"),
        ("Animateur périscolaire (H/F)", "G1203"),
        ("Couvreur H/F", "F1619"),
        ("Animatrice périscolaire Beaune", "G1203"),
        ("Animateur périscolaire", "G1203"),
    )
    found = occupation_from_titles("Accompagnateur/trice périscolaire", best)
    assert found.codes == ("G1203",) and found.families == ("G1203"[:3],)
    assert not found.trusted  # never enough to say "nothing matches"
    assert found.grade("G1203") == "same_code" and found.grade("F1619") == "unrelated"


def test_no_reading_without_enough_agreeing_titles() -> None:
    mixed = rows(
        ("Responsable d'équipe électricité", "I1326"),
        ("Responsable d'équipe (H/F)", "G1401"),
        ("Responsable d'équipe mixte", "I1333"),
        ("Responsable d'équipe BTP", "F1206"),
    )
    assert occupation_from_titles("Responsable d'équipe", mixed) == NO_OCCUPATION
    few = rows(
        ("Animateur périscolaire", "G1203"), ("Animateur périscolaire", "G1203"), ("Couvreur", "F1619")
    )
    assert occupation_from_titles("périscolaire", few) == NO_OCCUPATION
    assert occupation_from_titles("de la", few) == NO_OCCUPATION


def test_two_weak_readings_that_agree_rank_the_offers() -> None:
    """The classifier's weak first guess, when the request's words name its appellation well ahead of any
    other code's, is a reading (never trusted); words naming many appellations alike stay unread."""
    rome, classifier = default_rome(), default_occupations()
    electricien = read_occupation("Electricien en raccordement réseau haute tension", rome, classifier)
    assert electricien.codes == ("F1605",) and not electricien.trusted
    assert electricien.grade("F1605") == "same_code" and electricien.label.startswith("Electricien")
    # « animateur » names a dozen appellations alike; « Chauffeur Transports commun » names the controller's
    # a little ahead of the driver's: neither is a reading
    assert read_occupation("Animateur d'éveil", rome, classifier) == NO_OCCUPATION
    assert read_occupation("Chauffeur Transports commun", rome, classifier) == NO_OCCUPATION


def test_a_kind_of_job_is_no_occupation() -> None:
    """« technicien », « ingénieur », "engineer" head the appellations of dozens of fields: the classifier read
    « technicien » as urban cleaning (0.67, trusted) and « opérateur » as a lathe operator. An appellation
    ("chef" in English, « data engineer »), a job word of a few fields (« électricien ») or a qualified one
    (« technicien de maintenance ») still reads."""
    rome, classifier = default_rome(), default_occupations()
    for word in ("technicien", "Technicienne", "ingénieur", "opérateur", "responsable", "directeur"):
        assert rome.generic(word), word
        assert kind_of_job(word, rome) == word
        assert read_occupation(word, rome, classifier) == NO_OCCUPATION, word
    assert kind_of_job("engineer", rome) == "ingénieur" and kind_of_job("Technician", rome) == "technicien"
    assert read_occupation("engineer", rome, classifier) == NO_OCCUPATION
    for words in (
        "électricien",
        "vendeuse",
        "infirmier",
        "technicien de maintenance",
        "data engineer",
        "chef",
    ):
        assert kind_of_job(words, rome) is None, words
        assert read_occupation(words, rome, classifier).codes, words
    assert read_occupation("électricien", rome, classifier).label.startswith("Electricien")


def test_words_naming_an_appellation_outweigh_a_first_guess_they_do_not_name() -> None:
    """« Chargé de recrutement IT »: the classifier said pharmaceutical research (0.57; the index's
    neighbours of « chargé de re… » outweigh the one exact title), the words name « Chargé / Chargée de
    recrutement » at 0.82: a recruiter's CV was offered research jobs at Vincennes as « même métier »."""
    rome, classifier = default_rome(), default_occupations()
    assert classifier.classify("Chargé de recrutement IT", k=1)[0].code == "K2404"  # the classifier's slip
    read = read_occupation("Chargé de recrutement IT", rome, classifier)
    assert read.codes[0] == "M1502" and "K2404" not in read.codes
    assert read.label == "Chargé / Chargée de recrutement"


def test_a_recruiters_cv_reads_as_recruitment() -> None:
    """The same slip on a CV (title « Chargé de recrutement IT », then « Chargé de recrutement » positions):
    `bassin match cv` named it « Chargé / Chargée de recherche en industrie pharmaceutique »."""
    text = (Path(__file__).parents[2] / "data" / "candidates_fr" / "frpool-0007.txt").read_text(
        encoding="utf-8"
    )
    profile = parse_cv_text(text, gazetteer=None).profile
    assert profile.title == "Chargé de recrutement IT"
    read = profile_occupation(profile, WordedReader(default_occupations(), default_rome()))
    assert read.codes[0] == "M1502" and read.label == "Chargé / Chargée de recrutement"


def test_a_feminine_title_reads_as_its_masculine_when_only_that_is_sure() -> None:
    """The classifier learnt from offer titles, mostly masculine: « Conseillère de vente » read no
    occupation (K1801 0.17), « Conseiller de vente » the sales codes at 0.87."""
    rome, classifier = default_rome(), default_occupations()
    assert rome.masculine("Conseillère de vente") == "conseiller de vente"
    assert rome.masculine("Chauffeuse PL") == "chauffeur PL"
    read = read_occupation("Conseillère de vente", rome, classifier)
    assert read.trusted and read.families[0] == "D11"
    assert read_occupation("Vendeuse", rome, classifier).trusted
    assert read_occupation("Serveuse", rome, classifier).codes == ("G1803",)  # sure as it is: unchanged
