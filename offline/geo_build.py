"""Rebuild the compact geo referential under ``data/referentials/geo/`` from the upstream files.

Run once when the sources change::

    python -m offline.geo_build ../shared/data/referentials/geo data/referentials/geo \\
        --offers ../shared/data/offers/france_travail_offers.jsonl.gz \\
        --rome ../shared/data/referentials/rome/unix_referentiel_appellation_v460_utf8.csv

Inputs: La Poste's *base officielle des codes postaux* (``laposte_hexasmal.csv``, coordinates) and
Etalab's ``@etalab/decoupage-administratif`` (``communes.json``, ``departements.json``,
``regions.json``: names, postcodes, population). Outputs ``gazetteer.json.gz`` (every place with its
coordinates and population-weighted centroids), ``common_words.txt`` (place names that are also
ordinary French words, counted in real offers) and a copy of Etalab's licence.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from referentials.geo.names import place_key, place_tokens

# Names of places that are also words or brands seen capitalised in offers, on top of the counted ones.
EXTRA_COMMON_WORDS = (
    "orange",
    "saint gobain",
    "bras",
    "job",
    "mer",
    "vie",
    "plus",
    "bas",
    "cadre",
    "sport",
    "service",
    "agent",
    "vente",
    "saint",
    "rang",
    "partie",
    "port",
    "plaine",
    "centre",
    "marche",
    "mars",
    "oui",
    "nord",
    "sud",
    "est",
    "ouest",
    # département and region names that are words: "à manches longues", "quiche lorraine"...
    "manche",
    "cher",
    "creuse",
    "landes",
    "aube",
    "var",
    "ain",
    "gard",
    "lorraine",
    "bourgogne",
    "limousin",
    "champagne",
    # towns whose name is a word seen in trade offers: "matière grasse", "cannes à sucre"...
    "grasse",
    "cannes",
    "gap",
    "moulins",
    "lens",
    "tulle",
    "saintes",
    "colombes",
    # aliases and names of people or brands met capitalised in offers ("prime Ségur", "Mutuelle Alan")
    "reunion",
    "la defense",
    "segur",
    "alan",
    "leon",
    "raymond",
    "chirac",
)
# Counted words that stay place names: typos of a city name, not French words.
NOT_COMMON_WORDS = ("annonay",)
# Counted words are kept as place names when the place is this populous (typos of "Bordeaux"...).
_BIG_CITY = 100_000
_MIN_OFFERS = 3


def _coordinates(laposte: Path) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Mean coordinates per INSEE code and per postcode."""
    by_insee: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_postcode: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with laposte.open(encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for insee, _name, postcode, _l5, _label, gps in reader:
            if not gps:
                continue
            lat, lon = (float(x) for x in gps.split(","))
            by_insee[insee].append((lat, lon))
            by_postcode[postcode].append((lat, lon))

    def mean(points: dict[str, list[tuple[float, float]]]) -> dict[str, tuple[float, float]]:
        return {k: (sum(p[0] for p in v) / len(v), sum(p[1] for p in v) / len(v)) for k, v in points.items()}

    return mean(by_insee), mean(by_postcode)


def _weighted(points: Iterable[tuple[float, float, int]]) -> tuple[float, float, int]:
    """Population-weighted centroid (lat, lon, total population); unweighted when populations are 0."""
    pts = list(points)
    total = sum(p for _, _, p in pts)
    weights = [p if total else 1 for _, _, p in pts]
    norm = sum(weights)
    lat = sum(w * la for (la, _, _), w in zip(pts, weights, strict=True)) / norm
    lon = sum(w * lo for (_, lo, _), w in zip(pts, weights, strict=True)) / norm
    return round(lat, 5), round(lon, 5), total


def build_tables(src: Path) -> dict[str, Any]:
    """Read the upstream files of ``src`` and return the compact gazetteer tables."""
    by_insee, by_postcode = _coordinates(src / "laposte_hexasmal.csv")
    raw = json.loads((src / "communes.json").read_text(encoding="utf-8"))
    arrondissements = [c for c in raw if c["type"] == "arrondissement-municipal"]
    by_parent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for arr in arrondissements:
        by_parent[arr["commune"]].append(arr)

    def locate(c: dict[str, Any]) -> tuple[float, float] | None:
        if c["code"] in by_parent:  # Paris, Lyon, Marseille: from their arrondissements
            parts = [(*by_insee[a["code"]], a.get("population", 0)) for a in by_parent[c["code"]]]
            lat, lon, _ = _weighted(parts)
            return lat, lon
        for code in (c["code"], *c.get("anciensCodes", [])):
            if code in by_insee:
                return by_insee[code]
        for postcode in c.get("codesPostaux", []):
            if postcode in by_postcode:
                return by_postcode[postcode]
        return None

    current = {c["nom"] for c in raw if c["type"] == "commune-actuelle"}
    communes: list[list[Any]] = []
    for c in raw:
        kind = {"commune-actuelle": "c", "arrondissement-municipal": "a"}.get(c["type"], "d")
        if kind == "d" and (c["nom"] in current or c["code"] not in by_insee):
            continue  # a former commune adds a name only when it is not also a current one
        point = locate(c)
        if point is None:
            continue
        communes.append(
            [
                c["code"],
                c["nom"],
                kind,
                c["departement"],
                c["region"],
                c.get("population", 0),
                round(point[0], 5),
                round(point[1], 5),
                " ".join(c.get("codesPostaux", [])),
                c.get("commune", c.get("chefLieu", "")),
            ]
        )

    per_dep: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for row in communes:
        if row[2] == "c":
            per_dep[row[3]].append((row[6], row[7], row[5]))
    departements = []
    for d in json.loads((src / "departements.json").read_text(encoding="utf-8")):
        if d["code"] in per_dep:
            departements.append([d["code"], d["nom"], d["region"], *_weighted(per_dep[d["code"]])])
    regions = []
    for r in json.loads((src / "regions.json").read_text(encoding="utf-8")):
        points = [pt for d in departements if d[2] == r["code"] for pt in per_dep[d[0]]]
        if points:
            regions.append([r["code"], r["nom"], *_weighted(points)])
    return {
        "columns": {
            "communes": [
                "insee",
                "name",
                "kind",
                "dep",
                "region",
                "population",
                "lat",
                "lon",
                "postcodes",
                "parent",
            ],
            "departements": ["code", "name", "region", "lat", "lon", "population"],
            "regions": ["code", "name", "lat", "lon", "population"],
        },
        "communes": communes,
        "departements": departements,
        "regions": regions,
    }


def common_words(tables: dict[str, Any], offers: Path | None, rome: Path | None = None) -> list[str]:
    """Place keys that are ordinary words: written in lowercase in at least 3 real offers, or words
    of ROME job titles ("Marin", "Fille", "Charron")."""
    population: dict[str, int] = Counter()
    for row in tables["communes"]:
        key = place_key(row[1])
        population[key] = max(population[key], row[5])
    for row in tables["departements"] + tables["regions"]:
        population.setdefault(place_key(row[1]), 0)
    longest = max(len(k.split()) for k in population)
    seen: Counter[str] = Counter()
    if offers is not None:
        with gzip.open(offers, "rt", encoding="utf-8") as fh:
            for line in fh:
                offer = json.loads(line)
                tokens = place_tokens(f"{offer.get('intitule', '')}\n{offer.get('description', '')}")
                found = set()
                for i in range(len(tokens)):
                    for n in range(1, longest + 1):
                        window = tokens[i : i + n]
                        if len(window) < n or not window[-1].surface.islower():
                            break
                        key = " ".join(t.norm for t in window)
                        if key in population:
                            found.add(key)
                seen.update(found)
    if rome is not None:
        with rome.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for label in (row["libelle_appellation_long"], row["libelle_appellation_court"]):
                    seen.update({w: _MIN_OFFERS for w in place_key(label).split() if w in population})
    words = {k for k, n in seen.items() if n >= _MIN_OFFERS and population[k] < _BIG_CITY}
    return sorted((words | set(EXTRA_COMMON_WORDS)) - set(NOT_COMMON_WORDS))


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="folder with laposte_hexasmal.csv and Etalab's JSON files")
    parser.add_argument("dst", type=Path, help="output folder, e.g. data/referentials/geo")
    parser.add_argument("--offers", type=Path, default=None, help="France Travail offers (.jsonl.gz)")
    parser.add_argument(
        "--rome", type=Path, default=None, help="ROME appellations (unix_referentiel_appellation_*.csv)"
    )
    args = parser.parse_args(argv)
    args.dst.mkdir(parents=True, exist_ok=True)
    tables = build_tables(args.src)
    payload = json.dumps(tables, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(args.dst / "gazetteer.json.gz", "wb", mtime=0) as fh:
        fh.write(payload)
    header = "# Place names that are also ordinary words; see offline/geo_build.py\n"
    words = common_words(tables, args.offers, args.rome)
    (args.dst / "common_words.txt").write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    licence = args.src / "LICENSE.etalab-decoupage-administratif"
    if licence.exists():
        shutil.copyfile(licence, args.dst / licence.name)
    print(
        f"{len(tables['communes'])} communes, {len(tables['departements'])} départements, {len(words)} mots"
    )


if __name__ == "__main__":
    main()
