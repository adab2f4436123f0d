"""Career change: occupations close to a former job by the skills their offers ask, other families only."""

from __future__ import annotations

from dataclasses import dataclass

from services.mobility import (
    CareerChangeAdvisor,
    OccupationMobility,
    former_occupation_text,
)

# ROME code → (offers, {skill: offers asking it}); "permis" and "equipe" are asked everywhere (generic).
DATA: dict[str, tuple[int, dict[str, int]]] = {
    "D1211": (10, {"encaissement": 8, "conseil-vente": 9, "vitrine": 5, "permis": 3}),  # vendeur
    "D1214": (6, {"encaissement": 5, "conseil-vente": 6, "permis": 1}),  # vendeur prêt-à-porter
    "D1505": (8, {"encaissement": 8, "accueil": 6, "permis": 2, "equipe": 3}),  # hôte de caisse
    "D1401": (5, {"conseil-vente": 5, "prospection": 4, "accueil": 2, "permis": 4}),  # commercial
    "N1101": (9, {"caces": 9, "manutention": 7, "permis": 5}),  # cariste
    "H2102": (4, {"caces": 2, "manutention": 3, "permis": 1}),  # conditionnement
    "K2204": (2, {"encaissement": 2, "accueil": 2, "permis": 1}),  # too few offers
    "A1203": (5, {"permis": 5, "equipe": 2, "taille": 4}),  # only generic skills in common
    **{f"Z{i:04d}": (3, {"permis": 3, "equipe": 1, f"own-{i}": 3}) for i in range(60)},  # generic ones
}
LABELS = {
    "D1211": "Vendeur / Vendeuse en alimentation",
    "D1214": "Vendeur / Vendeuse en prêt-à-porter",
    "D1505": "Hôte / Hôtesse de caisse",
    "D1401": "Commercial / Commerciale",
    "N1101": "Cariste",
    "H2102": "Agent / Agente de conditionnement",
    "K2204": "Agent / Agente d'accueil",
    "A1203": "Jardinier / Jardinière",
}


class Source:
    def occupation_skills(self) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, str]]:
        offers = {code: n for code, (n, _) in DATA.items()}
        skills = {code: dict(s) for code, (_, s) in DATA.items()}
        labels = {k: f"label of {k}" for s in skills.values() for k in s}
        labels["rome:1"] = "Encaisser une vente"
        return offers, skills, labels


def skill_label(key: str) -> str:
    if key.startswith("own-"):
        raise KeyError(key)
    return key.replace("-", " ").capitalize()


def mobility() -> OccupationMobility:
    return OccupationMobility(Source(), LABELS.get, skill_label)


def test_close_occupations_of_other_families_with_their_shared_skills() -> None:
    found = mobility().suggest(["D1505"], k=5)
    codes = [s.code for s in found]
    assert codes[:2] == ["D1211", "D1214"] or codes[:2] == ["D1214", "D1211"]
    assert "D1505" not in codes  # never the same occupation
    assert "K2204" not in codes  # fewer offers than MIN_OFFERS
    assert "A1203" not in codes  # a generic skill alone does not make two jobs close
    assert "N1101" not in codes  # nothing in common
    best = found[0]
    assert "Encaissement" in best.shared_skills and best.offers in (10, 6)
    assert all(s.label == LABELS[s.code] for s in found)


def test_same_family_is_left_out_and_unknown_codes_give_nothing() -> None:
    codes = [s.code for s in mobility().suggest(["D1211"], k=5)]
    assert "D1214" not in codes and "D1505" in codes  # D12xx is the same family
    assert mobility().suggest(["X9999"]) == []


@dataclass(frozen=True)
class Reading:
    codes: tuple[str, ...]
    label: str


def test_the_advisor_reads_the_former_job_and_never_suggests_it_again() -> None:
    read: dict[str, Reading] = {
        "vendeuse": Reading(("D1211",), "Vendeur / Vendeuse en alimentation"),
        "caissiere": Reading(("D1505",), "Hôte / Hôtesse de caisse"),
    }
    advisor = CareerChangeAdvisor(mobility(), lambda text: read.get(text, Reading((), "")))
    change = advisor.suggest("j'étais vendeuse")
    assert change.codes == ("D1211",) and change.suggestions
    assert not any("Vendeur" in s.label for s in change.suggestions)  # another trade, same job: no
    assert "D1505" not in [s.code for s in advisor.suggest("caissiere").suggestions]
    assert advisor.suggest("astronaute").suggestions == []


def test_former_job_words() -> None:
    assert former_occupation_text("j'étais vendeuse") == "vendeuse"
    assert former_occupation_text("I was a cashier") == "cashier"
    assert former_occupation_text("ancien cariste, autre chose") == "cariste"
