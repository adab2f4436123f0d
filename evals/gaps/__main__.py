"""Gaps on real pairs: résumés of the public Resume Dataset × offers of the eval data dir.

``python -m evals.gaps [--resumes N]`` scores résumés (split by résumé id: crc32 % 3 == 0 is held-out)
against offers that state diplomas, licences or wished skills, and reports per split: gaps shown per pair
by kind, gaps the re-check dropped, and faithfulness to the raw France Travail JSON (the quoted words of
every shown gap are found in the offer's own ``competences``, ``formations``, ``permis``, ``langues`` or
``experienceLibelle`` — read independently of the text the scorer builds).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from cv import parse_cv_text
from referentials.taxonomy import default_rome, default_skill_taxonomy
from referentials.taxonomy.text import fold
from scoring.missing import is_gap
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_profile
from store import Database
from store.models import OfferRow

RESUMES = Path(__file__).resolve().parents[3] / "shared" / "data" / "resumes" / "livecareer_resumes.csv.gz"
DATA = Path("var/evals/dialogues-data/bassin.db")
OFFERS_PER_RESUME = 4
SEED = 14


def split_of(ident: str) -> str:
    return "held-out" if zlib.crc32(ident.encode()) % 3 == 0 else "dev"


def raw_words(raw: dict[str, Any]) -> str:
    """Every phrase of the raw offer a gap may quote, folded."""
    bits = [str(c.get("libelle", "")) for c in raw.get("competences") or []]
    for f in raw.get("formations") or []:
        bits += [str(f.get("niveauLibelle", "")), str(f.get("domaineLibelle", ""))]
    bits += [str(p.get("libelle", "")) for p in raw.get("permis") or []]
    bits += [str(lang.get("libelle", "")) for lang in raw.get("langues") or []]
    bits.append(str(raw.get("experienceLibelle", "")))
    return " | ".join(fold(b) for b in bits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resumes", type=int, default=120, help="résumés per split")
    parser.add_argument("--show", choices=["dev", "held-out"], default=None, help="print unfaithful gaps")
    opts = parser.parse_args(argv)
    db = Database(f"sqlite:///{DATA}")
    with db.session() as s:
        offers = [
            o
            for o in s.scalars(select(OfferRow))
            if isinstance(o.raw, dict) and (o.raw.get("formations") or o.raw.get("permis"))
        ]
        for o in offers:
            _ = o.skills  # loaded while the session is open
    rng = random.Random(SEED)
    with gzip.open(RESUMES, "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rng.shuffle(rows)
    scorer = MatchScorer(taxonomy=default_skill_taxonomy(), rome=default_rome())
    stats: dict[str, Counter[str]] = {"dev": Counter(), "held-out": Counter()}
    for row in rows:
        part = stats[split_of(row["ID"])]
        if part["resumes"] >= opts.resumes:
            continue
        part["resumes"] += 1
        parsed = parse_cv_text(row["Resume_text"])
        seeker = seeker_from_profile(parsed.profile, parsed.text, rome=scorer.rome)
        for offer in rng.sample(offers, OFFERS_PER_RESUME):
            ms = scorer.score(seeker, offer)
            part["pairs"] += 1
            words = raw_words(offer.raw)
            for c in ms.explanation.claims:
                if not is_gap(c):
                    continue
                kind = f"{c.kind}{'' if c.required or c.kind in ('experience', 'language') else ' (S)'}"
                part[f"shown {kind}"] += 1
                part["shown"] += 1
                quoted = fold(c.offer_span.surface if c.offer_span else "")
                ok = all(piece.strip() in words for piece in quoted.split(" — "))
                part["faithful"] += ok
                if not ok and opts.show == split_of(row["ID"]) and part["shown_bad"] < 8:
                    part["shown_bad"] += 1
                    print(
                        "UNFAITHFUL",
                        offer.external_id,
                        c.kind,
                        repr(c.offer_span.surface if c.offer_span else None),
                        [(k.label, k.origin, k.is_required) for k in offer.skills][:6],
                    )
            for d in ms.explanation.dropped:
                if d.claim.kind.startswith("missing"):
                    part[f"dropped {d.claim.kind}: {d.reason}"] += 1
    for name, counts in stats.items():
        print(f"== {name}: {counts['resumes']} résumés, {counts['pairs']} pairs, {counts['shown']} gaps shown "
              f"({counts['shown'] / max(1, counts['pairs']):.2f}/pair), faithful to the raw offer: "
              f"{counts['faithful']}/{counts['shown']}")  # fmt: skip
        for key, n in sorted(counts.items()):
            if key.startswith(("shown ", "dropped ")) and key != "shown_bad":
                print(f"   {key}: {n}")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
