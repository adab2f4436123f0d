"""Reading the skill referentials: the curated tech list (YAML) and ESCO's French skills (TSV)."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# referentials/taxonomy/data.py → repository root → data/referentials
DEFAULT_REFERENTIALS_DIR = Path(__file__).resolve().parents[2] / "data" / "referentials"
ESCO_SKILLS_FILE = "esco/skills_fr.tsv.gz"
_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class TechSkill:
    """One entry of ``tech_skills.yaml``."""

    key: str
    label: str
    category: str
    aliases: tuple[str, ...]
    context_forms: tuple[str, ...]  # ambiguous forms, matched with this exact case and in context
    label_in_text: bool = True  # False: the label is found in text only through ``context_forms``


@dataclass(frozen=True, slots=True)
class EscoSkill:
    """One ESCO skill or knowledge concept, with its French labels."""

    uuid: str
    knowledge: bool
    label: str
    synonyms: tuple[str, ...]


# Read in this order; a key may appear in one file only.
SKILL_LISTS = ("tech_skills.yaml", "trade_skills.yaml")


def load_tech_skills(directory: Path | None = None) -> list[TechSkill]:
    """Parse the curated lists of ``directory`` (default ``data/referentials``): ``tech_skills.yaml``
    (tech, tools, methods) then ``trade_skills.yaml`` (care, catering, logistics, retail, social work,
    building, diplomas and licences), when present.

    Raises:
        ValueError: a key is not a slug or appears twice.
    """
    base = directory or DEFAULT_REFERENTIALS_DIR
    skills: list[TechSkill] = []
    seen: set[str] = set()
    for name in SKILL_LISTS:
        path = base / name
        if not path.exists():
            continue
        raw: dict[str, dict[str, Any]] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for category, entries in raw.items():
            for key, spec in entries.items():
                key = str(key)
                if not _KEY_RE.match(key) or key in seen:
                    raise ValueError(f"{name} : clé invalide ou en double : {key!r}")
                seen.add(key)
                skills.append(_tech_skill(key, category, spec))
    return skills


def _tech_skill(key: str, category: str, spec: Any) -> TechSkill:
    if isinstance(spec, dict):
        label = str(spec["label"])
        aliases = tuple(str(a) for a in spec.get("aliases") or ())
        context = tuple(str(c) for c in spec.get("context") or ())
        return TechSkill(key, label, category, aliases, context, label_in_text="context" not in spec)
    return TechSkill(key, str(spec[0]), category, tuple(str(a) for a in spec[1:]), ())


def load_esco_skills(directory: Path | None = None) -> list[EscoSkill]:
    """Read ``esco/skills_fr.tsv.gz`` of ``directory`` (default ``data/referentials``)."""
    path = (directory or DEFAULT_REFERENTIALS_DIR) / ESCO_SKILLS_FILE
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()[1:]
    skills = []
    for line in lines:
        uuid, kind, label, synonyms = line.split("\t")
        skills.append(EscoSkill(uuid, kind == "k", label, tuple(s for s in synonyms.split("|") if s)))
    return skills
