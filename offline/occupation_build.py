"""Build the occupation index (``data/referentials/rome/occupation_index.*``) from ROME and offer titles.

Run when the sources change::

    python -m offline.occupation_build [--offers ../shared/data/offers/france_travail_offers.jsonl.gz]

Indexed titles: every ROME v460 code label and appellation (long and short, masculine and feminine
forms) and the titles of the *training* offers only, each tagged with France Travail's ``romeCode``.
The split is a stable hash of the offer ``id`` (``held_out``): one third of the offers is held out
and never read here, so ``evals/occupation`` can measure on titles the index has never seen.
The confidence temperature and "none" threshold are fitted on a tuning fold of the training offers
scored by an index built without that fold.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from referentials.occupation.classifier import CANDIDATES, CHAR_SIZES, OccupationClassifier, OccupationIndex
from referentials.occupation.text import title_features, title_words
from referentials.taxonomy.data import DEFAULT_REFERENTIALS_DIR
from referentials.taxonomy.rome import APPELLATIONS_FILE, CODES_FILE, gendered_forms

SPLIT_SEED = "occupation-v1"
TUNE_SEED = "occupation-tune"
SECOND_WEIGHT = 0.3  # chosen on the tuning fold (0, 0.3 compared)
MAX_CHAR_DF = 1.0  # no cut: on the tuning fold, 0.02 / 0.01 lose 1.6 / 2 points of top-1 for 2-3x speed
PRIOR_WEIGHT = 0.03  # chosen on the tuning fold (0, 0.02, 0.05 compared)
# offline/occupation_build.py → repository root → its sibling ``shared/data`` (the upstream files)
REAL_OFFERS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"
)


def _bucket(offer_id: str, seed: str) -> int:
    return int(hashlib.sha1(f"{seed}:{offer_id}".encode()).hexdigest()[:8], 16) % 3


def held_out(offer_id: str) -> bool:
    """True for the third of the offers kept out of the index (stable hash of the id, fixed seed)."""
    return _bucket(offer_id, SPLIT_SEED) == 0


def tuning_fold(offer_id: str) -> bool:
    """True for the third of the *training* offers used to fit confidences (never for held-out ones)."""
    return not held_out(offer_id) and _bucket(offer_id, TUNE_SEED) == 0


@dataclass(frozen=True, slots=True)
class LabelledTitle:
    """An offer title with its France Travail ROME code."""

    offer_id: str
    title: str
    code: str
    appellation: str


def read_offer_titles(path: Path = REAL_OFFERS) -> list[LabelledTitle]:
    """Every offer of a France Travail JSONL(.gz) file that has a title and a ROME code."""
    opener = gzip.open if path.suffix == ".gz" else open
    titles = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            offer = json.loads(line)
            if offer.get("intitule") and offer.get("romeCode"):
                titles.append(
                    LabelledTitle(
                        str(offer["id"]),
                        offer["intitule"],
                        offer["romeCode"],
                        offer.get("appellationlibelle") or "",
                    )
                )
    return titles


def _read_csv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def referential_titles(rome_dir: Path) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """ROME code labels, and (title, code, appellation) for every label and appellation form."""
    code_labels: dict[str, str] = {}
    docs: list[tuple[str, str, str]] = []
    for row in _read_csv(rome_dir / CODES_FILE):
        code_labels[row["code_rome"]] = row["libelle_rome"]
        docs += [
            (form, row["code_rome"], row["libelle_rome"]) for form in gendered_forms(row["libelle_rome"])
        ]
    for row in _read_csv(rome_dir / APPELLATIONS_FILE):
        long_label = row["libelle_appellation_long"]
        for label in dict.fromkeys((long_label, row["libelle_appellation_court"])):
            docs += [(form, row["code_rome"], long_label) for form in gendered_forms(label)]
    return code_labels, docs


def build_index(
    code_labels: dict[str, str],
    reference: Sequence[tuple[str, str, str]],
    offers: Iterable[LabelledTitle],
    params: dict[str, float],
) -> OccupationIndex:
    """TF-IDF (sublinear tf, smoothed idf, l2) over the reference titles and ``offers``, one doc per distinct title."""
    codes = sorted(code_labels)
    code_index = {c: i for i, c in enumerate(codes)}
    offers = list(offers)
    appellations_of: dict[str, set[str]] = {}
    for _, code, appellation in reference:
        appellations_of.setdefault(code, set()).add(appellation)
    labels: dict[str, int] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    doc_feats: list[Counter[str]] = []
    doc_code: list[int] = []
    doc_label: list[int] = []
    entries = list(reference) + [
        (
            o.title,
            o.code,
            o.appellation if o.appellation in appellations_of.get(o.code, ()) else code_labels[o.code],
        )
        for o in offers
        if o.code in code_index
    ]
    for title, code, appellation in entries:
        words = tuple(title_words(title))
        if not words or (words, code) in seen:
            continue
        seen.add((words, code))
        doc_feats.append(Counter(title_features(list(words), CHAR_SIZES)))
        doc_code.append(code_index[code])
        doc_label.append(labels.setdefault(appellation, len(labels)))
    df = Counter(f for feats in doc_feats for f in feats)
    n_docs = len(doc_feats)
    # Character n-grams found in most titles ("<ch", "eur>") weigh little and cost most of the time.
    common = {f for f, n in df.items() if f.startswith("c:") and n > MAX_CHAR_DF * n_docs}
    doc_feats = [Counter({f: n for f, n in feats.items() if f not in common}) for feats in doc_feats]
    features = {f: i for i, f in enumerate(sorted(df.keys() - common))}
    idf = np.array([math.log((1 + n_docs) / (1 + df[f])) + 1 for f in features], np.float32)
    rows: list[tuple[int, int, float]] = []
    for d, feats in enumerate(doc_feats):
        ids = [features[f] for f in feats]
        w = np.array([1 + math.log(n) for n in feats.values()]) * idf[ids]
        w /= np.linalg.norm(w)
        rows += zip(ids, [d] * len(ids), w.tolist(), strict=True)
    rows.sort()
    feat_col = np.array([r[0] for r in rows], np.int64)
    indptr = np.zeros(len(features) + 1, np.int64)
    np.cumsum(np.bincount(feat_col, minlength=len(features)), out=indptr[1:])
    counts = Counter(o.code for o in offers)
    log_prior = np.log(np.array([counts.get(c, 0) + 1.0 for c in codes]))
    return OccupationIndex(
        features=features,
        idf=idf,
        indptr=indptr,
        doc_ids=np.array([r[1] for r in rows], np.int32),
        weights=np.array([r[2] for r in rows], np.float32),
        doc_code=np.array(doc_code, np.int32),
        doc_label=np.array(doc_label, np.int32),
        codes=codes,
        code_labels=[code_labels[c] for c in codes],
        labels=sorted(labels, key=labels.__getitem__),
        log_prior=(log_prior - log_prior.max()).astype(np.float32),
        params=params,
    )


def fit_confidence(classifier: OccupationClassifier, titles: Sequence[LabelledTitle]) -> tuple[float, float]:
    """Temperature and "none" score minimising the log-loss of the top candidates on ``titles``.

    The target is the gold code when it is among the top candidates, else "none of them".
    """
    cases = []
    for t in titles:
        code_ids, scores, _ = classifier.code_scores(t.title)
        top = [classifier.index.codes[c] for c in code_ids[:CANDIDATES]]
        cases.append((scores[:CANDIDATES], top.index(t.code) if t.code in top else -1))
    best = (math.inf, 1.0, 0.0)
    for temperature in np.arange(0.02, 0.31, 0.01):
        for none_score in np.arange(0.0, 1.01, 0.025):
            loss = 0.0
            for scores, gold in cases:
                logits = np.append(scores, none_score) / temperature
                logits -= logits.max()
                log_norm = math.log(np.exp(logits).sum())
                loss -= logits[gold] - log_norm
            best = min(best, (loss, float(temperature), float(none_score)))
    return round(best[1], 3), round(best[2], 3)


def top_k_accuracy(classifier: OccupationClassifier, titles: Sequence[LabelledTitle]) -> dict[str, float]:
    """Share of ``titles`` whose gold code is first / in the first three guesses."""
    hits1 = hits3 = 0
    for t in titles:
        guessed = [g.code for g in classifier.classify(t.title, k=3)]
        hits1 += guessed[:1] == [t.code]
        hits3 += t.code in guessed
    n = max(len(titles), 1)
    return {"n": len(titles), "top1": round(hits1 / n, 4), "top3": round(hits3 / n, 4)}


def build(offers_path: Path, rome_dir: Path) -> dict[str, Any]:
    """Fit confidences on the tuning fold, then write the index over all training offers into ``rome_dir``."""
    titles = [t for t in read_offer_titles(offers_path) if not held_out(t.offer_id)]
    code_labels, reference = referential_titles(rome_dir)
    params = {
        "second_weight": SECOND_WEIGHT,
        "prior_weight": PRIOR_WEIGHT,
        "temperature": 0.1,
        "none_score": 0.5,
    }
    fit = [t for t in titles if not tuning_fold(t.offer_id)]
    tune = [t for t in titles if tuning_fold(t.offer_id)]
    tuning = OccupationClassifier(build_index(code_labels, reference, fit, params))
    params["temperature"], params["none_score"] = fit_confidence(tuning, tune)
    tuning_accuracy = top_k_accuracy(
        OccupationClassifier(build_index(code_labels, reference, fit, params)), tune
    )
    index = build_index(code_labels, reference, titles, params)
    index.save(rome_dir)
    return {
        "train_offers": len(titles),
        "indexed_titles": len(index.doc_code),
        "features": len(index.features),
        "params": params,
        "tuning_fold": tuning_accuracy,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=Path, default=REAL_OFFERS)
    parser.add_argument("--rome-dir", type=Path, default=DEFAULT_REFERENTIALS_DIR / "rome")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.offers, args.rome_dir), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
