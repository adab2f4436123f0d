"""Labelled queries derived from real data, for calibration and for the retrieval benchmark.

Three kinds of queries, each with graded relevance of every offer (2 relevant, 1 related, 0 not):

- ``appellation``: a ROME appellation as a user would type it ("Chef de cuisine"), sometimes with one
  or two skills of an offer of that code; relevant = offers of the same ROME code, related = same family.
- ``title``: the title an employer wrote for one offer ("Second de cuisine F/H"); same grades against
  that offer's ROME code, the offer itself excluded.
- ``resume``: a real resume (LiveCareer, English) whose category is mapped by hand to ROME families
  (``resume_families.yaml``); relevant = offers of a primary family, related = of a secondary one.

Every query belongs to one split, ``calibration`` or ``evaluation``, by a stable hash of its ROME code
(appellation and title queries: a code is never in both splits) or of the resume id: the scorer is
fitted on one and measured on the other.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from domain.documents import IndexDocument
from referentials.taxonomy.rome import RomeReferential, gendered_forms

QueryKind = Literal["appellation", "title", "resume"]
Split = Literal["calibration", "evaluation"]
RESUME_FAMILIES_FILE = Path(__file__).with_name("resume_families.yaml")
EVALUATION_SHARE = 0.4
MIN_OFFERS_PER_CODE = 5
_GENDER_MARK = re.compile(r"\(?\b[HF]\s*/\s*[HFX]\b\)?|\bH/F/X\b|\(\s*[hf]\s*/\s*[hf]\s*\)", re.IGNORECASE)


def stable_unit(text: str) -> float:
    """A number in [0, 1) fixed by ``text`` (same on every machine and run)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16) / float(16**12)


def split_of(key: str) -> Split:
    return "evaluation" if stable_unit(f"split:{key}") < EVALUATION_SHARE else "calibration"


@dataclass(frozen=True)
class LabelledQuery:
    """A query and how relevant each offer is to it (see module docstring)."""

    qid: str
    kind: QueryKind
    split: Split
    text: str
    codes: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    related_families: tuple[str, ...] = ()
    exclude: tuple[int, ...] = ()
    resume_text: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def grade(self, rome_code: str | None) -> int:
        """2 relevant, 1 related, 0 not, for an offer of ``rome_code``."""
        if not rome_code:
            return 0
        family = rome_code[:3]
        if rome_code in self.codes or family in self.families:
            return 2
        if family in self.related_families or any(c[:3] == family for c in self.codes):
            return 1
        return 0


def clean_title(title: str) -> str:
    """An employer's offer title without gender marks and trailing punctuation ("Cariste H/F" → "Cariste")."""
    text = _GENDER_MARK.sub(" ", title)
    return re.sub(r"\s+", " ", text).strip(" -–—,;:/()")


def job_queries(
    docs: Iterable[IndexDocument],
    rome: RomeReferential,
    skill_labels: dict[str, str],
    *,
    seed: int = 7,
    more_titles: int = 0,
    unseen: Callable[[IndexDocument], bool] | None = None,
) -> list[LabelledQuery]:
    """Appellation and title queries for every ROME code with at least ``MIN_OFFERS_PER_CODE`` offers.

    One title per code, drawn among all its offers; ``more_titles`` adds up to that many other titles
    per code (``title-<code>-<n>``), each different from the code's titles already drawn once folded,
    drawn only among the offers ``unseen`` accepts (the occupation classifier's held-out ones) by
    their own generator: the first draws stay what they were.
    """
    by_code: dict[str, list[IndexDocument]] = defaultdict(list)
    for doc in docs:
        if doc.rome:
            by_code[doc.rome[0]].append(doc)
    out: list[LabelledQuery] = []
    for code in sorted(by_code):
        offers = sorted(by_code[code], key=lambda d: d.doc_id)
        if len(offers) < MIN_OFFERS_PER_CODE:
            continue
        rng = random.Random(f"{seed}:{code}")
        split = split_of(code)
        appellations = rome.appellations(code)
        if appellations:
            label = rng.choice(appellations)
            text = rng.choice(gendered_forms(label))
            source = rng.choice(offers)
            skills = [skill_labels[k] for k in source.skills if k in skill_labels]
            exclude: tuple[int, ...] = ()
            if skills and rng.random() < 0.5:
                picked = rng.sample(skills, k=min(len(skills), rng.choice([1, 2])))
                text = f"{text} {' '.join(picked)}"
                exclude = (source.doc_id,)
            out.append(
                LabelledQuery(f"app-{code}", "appellation", split, text, codes=(code,), exclude=exclude)
            )
        source = rng.choice(offers)
        title = clean_title(source.title)
        if title:
            out.append(
                LabelledQuery(f"title-{code}", "title", split, title, codes=(code,), exclude=(source.doc_id,))
            )
        if more_titles:
            out.extend(_more_titles(code, offers, split, title, more_titles, unseen, seed))
    return out


def _more_titles(
    code: str,
    offers: list[IndexDocument],
    split: Split,
    first: str,
    count: int,
    unseen: Callable[[IndexDocument], bool] | None,
    seed: int,
) -> list[LabelledQuery]:
    rng = random.Random(f"{seed}:{code}:more")
    candidates = [d for d in offers if unseen is None or unseen(d)]
    rng.shuffle(candidates)
    drawn = {first.casefold()}
    out: list[LabelledQuery] = []
    for doc in candidates:
        title = clean_title(doc.title)
        if not title or title.casefold() in drawn:
            continue
        drawn.add(title.casefold())
        out.append(
            LabelledQuery(
                f"title-{code}-{len(out) + 1}", "title", split, title, codes=(code,), exclude=(doc.doc_id,)
            )
        )
        if len(out) == count:
            break
    return out


def load_resume_families(path: Path = RESUME_FAMILIES_FILE) -> dict[str, dict[str, list[str]]]:
    """Resume category → {"primary": [families], "related": [families]}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        cat: {"primary": list(v.get("primary", [])), "related": list(v.get("related", []))}
        for cat, v in data.items()
    }


def resume_queries(path: Path, *, per_category: int = 6, seed: int = 7) -> list[LabelledQuery]:
    """Up to ``per_category`` resumes per category and split; ``text`` is filled later from the parsed CV."""
    csv.field_size_limit(sys.maxsize)
    families = load_resume_families()
    by_cat: dict[tuple[str, Split], list[dict[str, str]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Category"] in families and len(row["Resume_text"]) > 400:
                by_cat[(row["Category"], split_of(f"resume:{row['ID']}"))].append(row)
    out: list[LabelledQuery] = []
    for (category, split), rows in sorted(by_cat.items()):
        rng = random.Random(f"{seed}:{category}:{split}")
        rows = sorted(rows, key=lambda r: r["ID"])
        for row in rng.sample(rows, k=min(per_category, len(rows))):
            fam = families[category]
            out.append(
                LabelledQuery(
                    f"cv-{row['ID']}",
                    "resume",
                    split,
                    "",
                    families=tuple(fam["primary"]),
                    related_families=tuple(fam["related"]),
                    resume_text=row["Resume_text"],
                    extra={"category": category},
                )
            )
    return out
