"""Writes ``evals/requests/generated.jsonl``: job-search requests composed from slots, each with its labels.

The labels are the slot values that composed the sentence (the job asked for, the place, the contract…),
written down before any run of the planner; nothing here reads the planner's output. The seed is fixed, so
the file is reproducible: ``python -m evals.requests.build``. Hand-written cases live in ``handwritten.yaml``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SEED = 20261203
OUT = Path(__file__).with_name("generated.jsonl")
N_FR = 190
N_EN = 40
N_LONG = 9

# (masculine, feminine) job names, as a French job seeker writes them; the query keeps the form used.
JOBS_FR = [
    ("infirmier", "infirmière"), ("aide-soignant", "aide-soignante"), ("cariste", "cariste"),
    ("serveur", "serveuse"), ("vendeur", "vendeuse"), ("cuisinier", "cuisinière"),
    ("boulanger", "boulangère"), ("comptable", "comptable"), ("magasinier", "magasinière"),
    ("plombier", "plombière"), ("électricien", "électricienne"), ("maçon", "maçonne"),
    ("chauffeur poids lourd", "chauffeuse poids lourd"), ("agent de sécurité", "agente de sécurité"),
    ("préparateur de commandes", "préparatrice de commandes"), ("conducteur de bus", "conductrice de bus"),
    ("mécanicien automobile", "mécanicienne automobile"), ("coiffeur", "coiffeuse"),
    ("caissier", "caissière"), ("auxiliaire de vie", "auxiliaire de vie"), ("chef de rang", "chef de rang"),
    ("commis de cuisine", "commis de cuisine"), ("menuisier", "menuisière"),
    ("peintre en bâtiment", "peintre en bâtiment"), ("technicien de maintenance", "technicienne de maintenance"),
    ("manutentionnaire", "manutentionnaire"), ("couvreur", "couvreuse"), ("soudeur", "soudeuse"),
    ("ambulancier", "ambulancière"), ("éducateur spécialisé", "éducatrice spécialisée"),
    ("réceptionniste", "réceptionniste"), ("plongeur", "plongeuse"), ("pâtissier", "pâtissière"),
    ("boucher", "bouchère"), ("jardinier", "jardinière"), ("secrétaire médical", "secrétaire médicale"),
    ("agent d'entretien", "agente d'entretien"), ("conseiller clientèle", "conseillère clientèle"),
    ("assistant administratif", "assistante administrative"), ("ouvrier agricole", "ouvrière agricole"),
]  # fmt: skip
JOBS_EN = [
    "nurse", "forklift driver", "waiter", "cook", "sales assistant", "truck driver", "accountant",
    "electrician", "plumber", "warehouse worker", "care assistant", "baker", "cleaner", "security guard",
    "receptionist", "mechanic", "carpenter", "cashier", "bus driver", "chef",
]  # fmt: skip
CITIES = [
    "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux", "Lille",
    "Rennes", "Reims", "Toulon", "Grenoble", "Dijon", "Angers", "Nîmes", "Clermont-Ferrand", "Le Mans",
    "Aix-en-Provence", "Brest", "Tours", "Amiens", "Limoges", "Perpignan", "Metz", "Besançon", "Orléans",
    "Rouen", "Mulhouse", "Caen", "Nancy", "Avignon", "La Rochelle", "Poitiers", "Pau", "Annecy",
    "Villeurbanne", "Saint-Étienne", "Le Havre", "Bayonne", "Chambéry", "Vannes", "Quimper", "Niort",
]  # fmt: skip
# (how it is written after "en"/"dans le…", label the gazetteer gives)
AREAS = [
    ("en Bretagne", "Bretagne"), ("dans le Rhône", "Rhône"), ("en Gironde", "Gironde"),
    ("en Île-de-France", "Île-de-France"), ("dans le Nord", "Nord"), ("en Occitanie", "Occitanie"),
    ("en Normandie", "Normandie"), ("dans les Bouches-du-Rhône", "Bouches-du-Rhône"),
    ("en Haute-Savoie", "Haute-Savoie"), ("en Vendée", "Vendée"), ("en Loire-Atlantique", "Loire-Atlantique"),
]  # fmt: skip
# Agglomerations and regions named by their adjective: (adjective, city). "agglomération" → 20 km,
# "région" → 40 km (the agreed reading of these phrases, see README "Request understanding").
DEMONYMS = [
    ("nantaise", "Nantes"), ("lyonnaise", "Lyon"), ("bordelaise", "Bordeaux"), ("toulousaine", "Toulouse"),
    ("grenobloise", "Grenoble"), ("marseillaise", "Marseille"), ("lilloise", "Lille"), ("rennaise", "Rennes"),
    ("niçoise", "Nice"), ("strasbourgeoise", "Strasbourg"), ("montpelliéraine", "Montpellier"),
    ("rouennaise", "Rouen"), ("tourangelle", "Tours"), ("angevine", "Angers"), ("dijonnaise", "Dijon"),
    ("brestoise", "Brest"), ("havraise", "Le Havre"), ("stéphanoise", "Saint-Étienne"), ("messine", "Metz"),
    ("orléanaise", "Orléans"), ("caennaise", "Caen"), ("rémoise", "Reims"), ("clermontoise", "Clermont-Ferrand"),
    ("toulonnaise", "Toulon"), ("paloise", "Pau"), ("rochelaise", "La Rochelle"), ("mancelle", "Le Mans"),
    ("nancéienne", "Nancy"), ("limougeaude", "Limoges"), ("amiénoise", "Amiens"),
]  # fmt: skip
CONTRACTS_FR = [
    ("en CDI", "CDI"), ("CDI", "CDI"), ("en CDD", "CDD"), ("CDD", "CDD"), ("en intérim", "MIS"),
    ("intérim", "MIS"), ("en alternance", "ALT"), ("saisonnier", "SAI"), ("pour la saison", "SAI"),
    ("en freelance", "LIB"), ("en contrat à durée indéterminée", "CDI"),
]  # fmt: skip
CONTRACTS_EN = [
    ("permanent contract", "CDI"), ("fixed-term contract", "CDD"), ("temp work", "MIS"),
    ("seasonal", "SAI"), ("apprenticeship", "ALT"), ("freelance", "LIB"),
]  # fmt: skip
# (phrase, field, value) for a job seeker: the bound applies to what offers ask.
EXPERIENCE_FR = [
    ("débutant accepté", "experience_max_months", 0), ("débutante acceptée", "experience_max_months", 0),
    ("sans expérience", "experience_max_months", 0), ("junior", "experience_max_months", 24),
    ("avec 3 ans d'expérience", "experience_max_months", 36), ("2 ans d'expérience", "experience_max_months", 24),
    ("expérimenté", "experience_min_months", 24), ("expérimentée", "experience_min_months", 24),
    ("confirmé", "experience_min_months", 24), ("confirmée", "experience_min_months", 24),
    ("senior", "experience_min_months", 36), ("expérience exigée", "experience_min_months", 1),
]  # fmt: skip
EXPERIENCE_EN = [
    ("entry level", "experience_max_months", 0), ("no experience", "experience_max_months", 0),
    ("junior", "experience_max_months", 24), ("experienced", "experience_min_months", 24),
    ("senior", "experience_min_months", 36),
]  # fmt: skip
SALARY_FR = [
    ("au moins 2000 € par mois", 2000), ("minimum 1800 euros par mois", 1800), ("salaire 2500 € brut", 2500),
    ("à partir de 30k€ par an", 2500), ("au moins 36 000 € par an", 3000), ("plus de 2200 € mensuels", 2200),
]  # fmt: skip
SALARY_EN = [("at least 2000 € a month", 2000), ("salary over 36k€ a year", 3000)]


def _de(city: str) -> str:
    """ "de Lyon", "d'Angers", "du Havre"."""
    if city.startswith("Le "):
        return "du " + city[3:]
    return ("d'" if city[0] in "AEIOUÉÎ" else "de ") + city


def _a(city: str) -> str:
    """ "à Lyon", "au Mans"."""
    return "au " + city[3:] if city.startswith("Le ") else "à " + city


def _place(rng: random.Random, expect: dict[str, Any]) -> str:
    """A place phrase; fills place / radius_km in ``expect``."""
    kind = rng.choices(["city", "near", "radius", "area", "agglo", "region_adj", "side", "stay"],
                       weights=[6, 4, 2, 2, 1, 1, 1, 1])[0]  # fmt: skip
    city = rng.choice(CITIES)
    if kind == "city":
        expect.update(place=city, radius_km=30)
        return _a(city)
    if kind == "near":
        prep = rng.choice(["près de", "autour de", "vers", "aux alentours de", "proche de"])
        expect.update(place=city, radius_km=30)
        return f"{prep[:-3]} {_de(city)}" if prep.endswith(" de") else f"{prep} {city}"
    if kind == "radius":
        km = rng.choice([5, 10, 15, 20, 25, 40, 50])
        expect.update(place=city, radius_km=km)
        return rng.choice([f"à {km} km {_de(city)}", f"dans un rayon de {km} km autour {_de(city)}"])
    if kind == "area":
        phrase, label = rng.choice(AREAS)
        expect.update(place=label)
        return phrase
    adjective, city = rng.choice(DEMONYMS)
    if kind == "agglo":
        word = rng.choice(["l'agglomération", "l'agglo", "la métropole"])
        expect.update(place=city, radius_km=20)
        return f"dans {word} {adjective}"
    if kind == "region_adj":
        expect.update(place=city, radius_km=40)
        return rng.choice([f"dans la région {adjective}", f"en région {adjective}"])
    if kind == "side":
        side = rng.choice(["sud", "nord", "est", "ouest"])
        expect.update(place=city, radius_km=40)
        article = "l'" if side in ("est", "ouest") else "le "
        at = "à l'" if side in ("est", "ouest") else "au "
        return rng.choice([f"{at}{side} {_de(city)}", f"dans {article}{side} {_de(city)}"])
    expect.update(place=city, radius_km=30)
    return ""  # "rester à X" is written by the template itself


def _agrees(phrase: str, feminine: bool) -> bool:
    """Experience words agree with the job's gender ("vendeuse débutante acceptée")."""
    gendered = phrase.split()[0]
    if gendered in ("débutant", "expérimenté", "confirmé"):
        return not feminine
    if gendered in ("débutante", "expérimentée", "confirmée"):
        return feminine
    return True


LONG_PADDING = (
    "Je vous écris parce que ma situation a beaucoup changé ces derniers temps et que je préfère tout vous "
    "expliquer pour que vous compreniez bien ce que je cherche. Après plusieurs années dans la même "
    "entreprise, j'ai eu envie de nouveaux défis, de rencontrer d'autres équipes et de continuer à apprendre. "
    "Mes collègues m'ont toujours décrit comme quelqu'un de fiable, ponctuel et de bonne humeur, qui aime le "
    "travail bien fait et qui n'a pas peur des journées chargées. J'ai le permis et une voiture, je peux donc "
    "me déplacer facilement. Je suis disponible rapidement et motivé pour reprendre une activité stable. "
)
LONG_REQUESTS = [
    ("je cherche un poste de cariste en CDI près de Lille", {"query": "cariste", "place": "Lille",
                                                             "radius_km": 30, "contracts": ["CDI"]}),
    ("je recherche un emploi d'aide-soignante de nuit à Rennes", {"query": "aide-soignante de nuit",
                                                                   "place": "Rennes", "radius_km": 30}),
    ("je voudrais un travail de boulanger en intérim dans la région nantaise", {"query": "boulanger",
        "place": "Nantes", "radius_km": 40, "contracts": ["MIS"]}),
    ("je cherche un emploi de serveur à Nice, débutant accepté", {"query": "serveur", "place": "Nice",
        "radius_km": 30, "experience_max_months": 0}),
    ("je cherche un poste de cuisinier à Bordeaux", {"query": "cuisinier", "place": "Bordeaux", "radius_km": 30}),
    ("je cherche un CDD de vendeuse à Lyon", {"query": "vendeuse", "place": "Lyon", "radius_km": 30,
                                             "contracts": ["CDD"]}),
    ("je cherche un poste de magasinier en CDI à Toulouse", {"query": "magasinier", "place": "Toulouse",
                                                             "radius_km": 30, "contracts": ["CDI"]}),
    ("je recherche un poste d'électricien à Grenoble", {"query": "électricien", "place": "Grenoble",
                                                         "radius_km": 30}),
    ("je cherche un emploi de comptable en CDI à Strasbourg", {"query": "comptable", "place": "Strasbourg",
                                                               "radius_km": 30, "contracts": ["CDI"]}),
]  # fmt: skip


def _long(rng: random.Random, i: int) -> dict[str, Any]:
    """A message of about 5,000 characters: a life story with the request at the start, middle or end."""
    request, expect = LONG_REQUESTS[i % len(LONG_REQUESTS)]
    filler = LONG_PADDING * 9
    where = rng.choice(["start", "middle", "end"])
    if where == "start":
        text = f"Bonjour, {request}. {filler}"
    elif where == "middle":
        half = len(LONG_PADDING) * 4
        text = f"Bonjour. {filler[:half]}Donc, {request}. {filler[half:]}"
    else:
        text = f"Bonjour. {filler}Bref, {request}."
    lang = "en" if request.startswith("I ") else "fr"
    return {"id": f"gen-long-{i:03d}", "lang": lang, "text": text, "expect": dict(expect)}


def _french(rng: random.Random, i: int) -> dict[str, Any]:
    masc, fem = rng.choice(JOBS_FR)
    job = fem if rng.random() < 0.4 else masc
    expect: dict[str, Any] = {"query": job}
    parts: list[str] = []
    place = _place(rng, expect)
    stay = place == "" and "place" in expect
    if place:
        parts.append(place)
    if rng.random() < 0.45:
        phrase, code = rng.choice(CONTRACTS_FR)
        expect["contracts"] = [code]
        parts.append(phrase)
    if rng.random() < 0.3:
        feminine = job == fem and fem != masc
        phrase, key, value = rng.choice([e for e in EXPERIENCE_FR if _agrees(e[0], feminine)])
        expect[key] = value
        parts.append(phrase)
    if rng.random() < 0.12:
        phrase, value = rng.choice(SALARY_FR)
        expect["salary_min_monthly"] = value
        parts.append(phrase)
    if rng.random() < 0.08:
        remote = rng.random() < 0.6
        expect["remote"] = remote
        parts.append(rng.choice(["en télétravail", "télétravail possible"] if remote else ["sur site"]))
    rng.shuffle(parts)
    lead = rng.choice(["", "", "je cherche un poste de ", "je recherche un emploi de ", "offres de ",
                       "je suis ", "trouve-moi des offres de ", "emploi ", "Bonjour, je cherche du travail comme "])  # fmt: skip
    sep = rng.choice([" ", " ", ", "])
    if lead.endswith(" de ") and job[0] in "aeéiouh":
        lead = lead[:-3] + " d'"
    text = lead + job + (sep + sep.join(parts) if parts else "")
    if stay:
        city = expect["place"]
        text = rng.choice([f"je veux rester {_a(city)}, {text}", f"{text}, je veux rester {_a(city)}",
                           f"{text} mais je souhaite rester {_a(city)}", f"j'habite {_a(city)}, {text}"])  # fmt: skip
    return {"id": f"gen-fr-{i:03d}", "lang": "fr", "text": text, "expect": expect}


def _english(rng: random.Random, i: int) -> dict[str, Any]:
    job = rng.choice(JOBS_EN)
    expect: dict[str, Any] = {"query": job}
    city = rng.choice(CITIES)
    parts: list[str] = []
    if rng.random() < 0.85:
        if rng.random() < 0.2:
            km = rng.choice([10, 20, 50])
            expect.update(place=city, radius_km=km)
            parts.append(f"within {km} km of {city}")
        else:
            expect.update(place=city, radius_km=30)
            parts.append(f"{rng.choice(['in', 'near', 'around'])} {city}")
    if rng.random() < 0.4:
        phrase, code = rng.choice(CONTRACTS_EN)
        expect["contracts"] = [code]
        parts.append(phrase)
    if rng.random() < 0.25:
        phrase, key, value = rng.choice(EXPERIENCE_EN)
        expect[key] = value
        parts.append(phrase)
    if rng.random() < 0.1:
        phrase, value = rng.choice(SALARY_EN)
        expect["salary_min_monthly"] = value
        parts.append(phrase)
    rng.shuffle(parts)
    lead = rng.choice(["", "I'm looking for a job as a ", "find me ", "I am a ", "looking for ", "any "])
    tail = rng.choice(["", " jobs", " positions"]) if lead in ("", "find me ", "looking for ", "any ") else ""
    text = lead + job + tail + (" " + " ".join(parts) if parts else "")
    return {"id": f"gen-en-{i:03d}", "lang": "en", "text": text, "expect": expect}


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    cases = [_french(rng, i) for i in range(N_FR)] + [_english(rng, i) for i in range(N_EN)]
    cases += [_long(rng, i) for i in range(N_LONG)]
    seen: set[str] = set()
    unique = []
    for case in cases:
        if case["text"] not in seen:
            seen.add(case["text"])
            unique.append(case)
    return unique


def main() -> None:
    cases = build()
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
    print(f"{len(cases)} requests → {OUT}")


if __name__ == "__main__":
    main()
