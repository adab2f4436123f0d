"""Matching rules of the French CV eval (``evals/cv/metrics.py``) on hand-built parser outputs."""

from __future__ import annotations

from cv.models import (
    CandidateLocation,
    CandidateProfile,
    LanguageSkill,
    ParsedCV,
    PersonalData,
    PersonalField,
    SkillEvidence,
    Span,
)
from evals.cv import metrics as m


def _span(text: str) -> Span:
    return Span(start=0, end=len(text), surface=text)


def _parsed(**profile: object) -> ParsedCV:
    personal = profile.pop("personal", PersonalData())
    return ParsedCV(profile=CandidateProfile(**profile), personal=personal, text="", source_format="txt")  # type: ignore[arg-type]


def _skill(key: str, surface: str) -> SkillEvidence:
    return SkillEvidence(key=key, label=key, evidence=_span(surface), mentions=1, in_skills_section=True)


def test_title_accepts_a_few_extra_words_but_not_another_job() -> None:
    assert m.title_ok(_parsed(title="Cariste confirmé – 8 ans d'expérience"), "Cariste confirmé")
    assert m.title_ok(_parsed(title="CHAUFFEUR-LIVREUR"), "Chauffeur livreur")
    assert not m.title_ok(_parsed(title="Magasinier cariste"), "Cariste confirmé")
    assert not m.title_ok(_parsed(), "Cariste")


def test_experience_within_one_year() -> None:
    assert m.experience_ok(_parsed(total_experience_years=6.5), 5.6)
    assert not m.experience_ok(_parsed(total_experience_years=4.4), 5.6)
    assert not m.experience_ok(_parsed(), 0.5)


def test_skills_match_by_surface_or_normalised_key() -> None:
    normalize = {"CACES R489 cat. 3": "caces-r489", "Python": "python"}.get
    parsed = [
        _skill("caces-r489", "CACES R489"),
        _skill("python", "Python"),
        _skill("gerer-des-stocks", "gestion des stocks"),
        _skill("anglais", "Anglais"),
        _skill("docker", "Docker"),
    ]
    counts = m.skill_counts(
        parsed,
        ["CACES R489 cat. 3", "Python", "gestion des stocks", "inventaire"],
        normalize,
        lambda key: key == "anglais",
    )
    assert (counts.truth, counts.found, counts.parsed, counts.correct) == (4, 3, 4, 3)
    assert counts.missed == ("inventaire",) and counts.wrong == ("docker [Docker]",)


def test_city_name_email_phone() -> None:
    parsed = _parsed(
        location=CandidateLocation(
            label="Lyon", raw="69003 Lyon", postcode="69003", evidence=_span("69003 Lyon")
        ),
        personal=PersonalData(
            name=PersonalField(value="Hélène Le Gall", evidence=_span("x")),
            emails=[PersonalField(value="Helene.LeGall@example.com", evidence=_span("x"))],
            phones=[PersonalField(value="+33 6 39 98 12 34", evidence=_span("x"))],
        ),
    )
    assert m.city_ok(parsed, "Lyon", "69003") and not m.city_ok(parsed, "Villeurbanne", "69100")
    assert m.name_ok(parsed, "Helene Le Gall") and m.name_ok(parsed, "LE GALL Hélène")
    assert not m.name_ok(parsed, "Hélène Gall")
    assert m.email_ok(parsed, "helene.legall@example.com")
    assert m.phone_ok(parsed, "0639981234") and not m.phone_ok(parsed, "0639981235")
    assert m.phone_digits("+33 (0)6 39 98 12 34") == m.phone_digits("06.39.98.12.34") == "0639981234"


def test_language_needs_the_same_level() -> None:
    parsed = _parsed(
        languages=[
            LanguageSkill(language="anglais", level="B2", evidence=_span("Anglais B2")),
            LanguageSkill(language="français", level="native", evidence=_span("Français")),
        ]
    )
    total, found, missed = m.language_counts(
        parsed,
        [
            {"language": "anglais", "level": "B2"},
            {"language": "français", "level": "native"},
            {"language": "espagnol", "level": "A2"},
        ],
    )
    assert (total, found, missed) == (3, 2, ["espagnol A2"])
