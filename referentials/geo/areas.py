"""Areas named around a city rather than by a place name: "la région nantaise", "l'agglomération lyonnaise",
"au sud de Lyon".

A search filter is a circle, so each reading becomes the city's centre and a radius: an agglomeration or
metropolis is the city and its close suburbs (20 km), a "région X-aise" or a side of a city ("au sud de
Lyon") a wider circle around it (40 km). "Région parisienne" names Île-de-France. Patterns run on folded
text (lowercase, accents removed, same length as the original).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AGGLOMERATION_RADIUS_KM = 20.0
REGION_RADIUS_KM = 40.0
SIDE_RADIUS_KM = 40.0

# Feminine adjective (folded) → the city's name as the gazetteer knows it. The masculine form is derived
# ("nantaise" → "nantais", "nanceienne" → "nanceien", "tourangelle" → "tourangeau").
_FEMININE: dict[str, str] = {
    "parisienne": "Île-de-France", "francilienne": "Île-de-France",
    "lyonnaise": "Lyon", "marseillaise": "Marseille", "toulousaine": "Toulouse", "nicoise": "Nice",
    "nantaise": "Nantes", "strasbourgeoise": "Strasbourg", "montpellieraine": "Montpellier",
    "bordelaise": "Bordeaux", "lilloise": "Lille", "rennaise": "Rennes", "remoise": "Reims",
    "toulonnaise": "Toulon", "grenobloise": "Grenoble", "dijonnaise": "Dijon", "angevine": "Angers",
    "nimoise": "Nîmes", "clermontoise": "Clermont-Ferrand", "mancelle": "Le Mans", "aixoise": "Aix-en-Provence",
    "brestoise": "Brest", "tourangelle": "Tours", "amienoise": "Amiens", "limougeaude": "Limoges",
    "perpignanaise": "Perpignan", "messine": "Metz", "bisontine": "Besançon", "orleanaise": "Orléans",
    "rouennaise": "Rouen", "mulhousienne": "Mulhouse", "caennaise": "Caen", "nanceienne": "Nancy",
    "avignonnaise": "Avignon", "rochelaise": "La Rochelle", "poitevine": "Poitiers", "paloise": "Pau",
    "valentinoise": "Valence", "annecienne": "Annecy", "stephanoise": "Saint-Étienne", "havraise": "Le Havre",
    "bayonnaise": "Bayonne", "chamberienne": "Chambéry", "vannetaise": "Vannes", "quimperoise": "Quimper",
    "niortaise": "Niort", "troyenne": "Troyes", "colmarienne": "Colmar", "lorientaise": "Lorient",
    "cannoise": "Cannes", "antiboise": "Antibes", "ajaccienne": "Ajaccio", "bastiaise": "Bastia",
    "montalbanaise": "Montauban", "biterroise": "Béziers", "dunkerquoise": "Dunkerque",
    "calaisienne": "Calais", "boulonnaise": "Boulogne-sur-Mer", "valenciennoise": "Valenciennes",
    "arrageoise": "Arras", "douaisienne": "Douai", "lavalloise": "Laval", "nazairienne": "Saint-Nazaire",
    "malouine": "Saint-Malo", "briochine": "Saint-Brieuc", "cherbourgeoise": "Cherbourg-en-Cotentin",
    "chartraine": "Chartres", "blesoise": "Blois", "berruyere": "Bourges", "auxerroise": "Auxerre",
    "belfortaine": "Belfort", "chalonnaise": "Chalon-sur-Saône", "maconnaise": "Mâcon",
    "roannaise": "Roanne", "grassoise": "Grasse", "alesienne": "Alès", "tarbaise": "Tarbes",
    "agenaise": "Agen", "angoumoisine": "Angoulême", "perigourdine": "Périgueux", "albigeoise": "Albi",
    "castraise": "Castres", "carcassonnaise": "Carcassonne", "narbonnaise": "Narbonne",
    "sedanaise": "Sedan", "carolomacerienne": "Charleville-Mézières", "thionvilloise": "Thionville",
    "spinalienne": "Épinal", "vichyssoise": "Vichy", "montluconnaise": "Montluçon",
}  # fmt: skip
_CLOSE_KINDS = ("agglomeration", "agglo", "metropole", "banlieue", "aire urbaine", "couronne")
_AREA = re.compile(
    r"(?:\b(?:dans|sur|en|de|pour|vers)\s+)?(?:\b(?:la|le|l'|les)\s*)?"
    r"\b(?P<kind>region|agglomeration|agglo|metropole|banlieue|aire urbaine|couronne|bassin|secteur|pays)"
    r"\s+(?P<adj>[a-z]+)\b"
)
# "au sud de", "dans le nord-ouest de", "à l'est d'" just before a place name.
SIDE_BEFORE_PLACE = re.compile(
    r"(?:\b(?:au|dans le|dans l'|a l'|le|l')\s*)?\b(?:sud|nord)(?:[- ](?:est|ouest))?\s+(?:de|d'|du)\s*$"
    r"|(?:\b(?:dans l'|a l'|l')\s*)(?:est|ouest)\s+(?:de|d'|du)\s*$"
)


def _masculine(feminine: str) -> str:
    if feminine.endswith("enne"):
        return feminine[:-2]
    if feminine.endswith("elle"):
        return feminine[:-3] + "eau"
    if feminine.endswith("ere"):
        return feminine[:-3] + "er"
    return feminine[:-1] if feminine.endswith("e") else feminine


DEMONYMS: dict[str, str] = {**{_masculine(f): c for f, c in _FEMININE.items()}, **_FEMININE}
DEMONYMS.update({f + "s": c for f, c in _FEMININE.items()} | {"parisien": "Île-de-France"})


@dataclass(frozen=True)
class AreaMention:
    """An area phrase at ``[start, end)``: the place to resolve and the radius around it (None for a region)."""

    start: int
    end: int
    place: str
    radius_km: float | None


def find_area(folded: str) -> AreaMention | None:
    """The first "région nantaise" / "agglomération lyonnaise" phrase in ``folded`` text, or None."""
    for m in _AREA.finditer(folded):
        city = DEMONYMS.get(m.group("adj"))
        if city is None:
            continue
        if city == "Île-de-France":
            return AreaMention(m.start(), m.end(), city, None)
        kind = m.group("kind")
        radius = AGGLOMERATION_RADIUS_KM if kind in _CLOSE_KINDS else REGION_RADIUS_KM
        return AreaMention(m.start(), m.end(), city, radius)
    return None
