"""Fake but well-formed identities and real French places for generated CVs.

Phone numbers are drawn from the ranges ARCEP reserves for fiction (``01 99 00``, ``06 39 98``…), emails
use the reserved ``example.*`` domains, places come from the project gazetteer (real communes and postcodes).
"""

from __future__ import annotations

import gzip
import json
import random
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GAZETTEER = Path(__file__).resolve().parents[2] / "data" / "referentials" / "geo" / "gazetteer.json.gz"

FIRST_F = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Sarah",
    "Inès",
    "Julie",
    "Marie",
    "Laura",
    "Pauline",
    "Clara",
    "Lucie",
    "Mathilde",
    "Océane",
    "Anaïs",
    "Amandine",
    "Élodie",
    "Nadia",
    "Sophie",
    "Aurélie",
    "Céline",
    "Nathalie",
    "Sandrine",
    "Isabelle",
    "Valérie",
    "Fatima",
    "Yasmine",
    "Aïcha",
    "Mélanie",
    "Justine",
    "Margaux",
    "Charlotte",
    "Hélène",
    "Agnès",
    "Christine",
    "Sylvie",
    "Delphine",
    "Morgane",
    "Noémie",
    "Louise",
    "Jeanne",
]
FIRST_M = [
    "Thomas",
    "Nicolas",
    "Julien",
    "Maxime",
    "Alexandre",
    "Antoine",
    "Kévin",
    "Romain",
    "Hugo",
    "Lucas",
    "Théo",
    "Mathieu",
    "Sébastien",
    "Olivier",
    "Christophe",
    "Stéphane",
    "Frédéric",
    "Laurent",
    "Éric",
    "Patrick",
    "Karim",
    "Mehdi",
    "Youssef",
    "Mamadou",
    "Ibrahima",
    "Baptiste",
    "Quentin",
    "Guillaume",
    "Florian",
    "Jérôme",
    "Damien",
    "Cédric",
    "Loïc",
    "Yann",
    "Arnaud",
    "Benoît",
    "François",
    "Adrien",
    "Pierre",
    "Paul",
    "Samuel",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Perez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Lacroix",
    "Benali",
    "Haddad",
    "Diallo",
    "Traoré",
    "Kone",
    "Ferreira",
    "Moulin",
    "Carpentier",
    "Benhamou",
    "Le Gall",
    "Le Goff",
    "Da Silva",
]

# Ranges set aside for fiction by the ARCEP (French regulator): no real subscriber has these numbers.
_FICTION_PREFIXES = ("019900", "026191", "035301", "046571", "053649", "063998")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.fr", "courriel.example.com")


@dataclass(frozen=True)
class Identity:
    first: str
    last: str
    female: bool
    email: str
    phone_digits: str
    phone_written: str
    name_written: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _phone(rng: random.Random) -> tuple[str, str]:
    prefix = rng.choice(_FICTION_PREFIXES)
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(10 - len(prefix)))
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    style = rng.randrange(6)
    if style == 0:
        written = " ".join(pairs)
    elif style == 1:
        written = ".".join(pairs)
    elif style == 2:
        written = "+33 " + digits[1] + " " + " ".join(pairs[1:])
    elif style == 3:
        written = digits
    elif style == 4:
        written = "-".join(pairs)
    else:
        written = "+33 (0)" + digits[1] + " " + " ".join(pairs[1:])
    return digits, written


def make_identity(rng: random.Random, *, female: bool | None = None) -> Identity:
    female = rng.random() < 0.5 if female is None else female
    first = rng.choice(FIRST_F if female else FIRST_M)
    last = rng.choice(LAST)
    f, la = ascii_slug(first), ascii_slug(last)
    local = rng.choice(
        (f"{f}.{la}", f"{f[0]}{la}", f"{f}.{la}{rng.randrange(10, 99)}", f"{la}.{f}", f"{f}-{la}")
    )
    email = f"{local}@{rng.choice(_EMAIL_DOMAINS)}"
    digits, written = _phone(rng)
    # French CVs often capitalise the surname, and put it first.
    name_written = rng.choices(
        (f"{first} {last}", f"{first} {last.upper()}", f"{last.upper()} {first}"), weights=(55, 25, 20)
    )[0]
    return Identity(first, last, female, email, digits, written, name_written)


@dataclass(frozen=True)
class Place:
    """A commune of the gazetteer; ``postcode`` is one of its postcodes (an arrondissement's for big cities)."""

    city: str
    postcode: str
    department: str
    lat: float
    lon: float


@cache
def _communes() -> tuple[tuple[Place, ...], tuple[float, ...]]:
    with gzip.open(GAZETTEER, "rt", encoding="utf-8") as f:
        data = json.load(f)
    places: list[Place] = []
    weights: list[float] = []
    for insee, name, kind, dep, _region, population, lat, lon, postcodes, _parent in data["communes"]:
        # Overseas communes are kept: the pool has places "all over France".
        if kind != "c" or population < 8000 or lat is None or not postcodes:
            continue
        for code in postcodes.split()[: 20 if insee in ("75056", "69123", "13055") else 1]:
            places.append(Place(name, code, dep, lat, lon))
            weights.append(
                population**0.5 / (len(postcodes.split()) if insee in ("75056", "69123", "13055") else 1)
            )
    return tuple(places), tuple(weights)


def random_place(rng: random.Random) -> Place:
    places, weights = _communes()
    return rng.choices(places, weights=weights, k=1)[0]


def place_near(rng: random.Random, lat: float, lon: float, radius_km: float) -> Place:
    """A commune within ``radius_km`` of a point (flat-earth distance is close enough at this scale)."""
    places, weights = _communes()
    near = [
        (p, w)
        for p, w in zip(places, weights, strict=True)
        if ((p.lat - lat) * 111) ** 2 + ((p.lon - lon) * 78) ** 2 <= radius_km**2
    ]
    return rng.choices([p for p, _ in near], weights=[w for _, w in near], k=1)[0]


def place_in(rng: random.Random, city: str) -> Place:
    places, _ = _communes()
    return rng.choice([p for p in places if p.city == city])
