"""The dialogue format: ``evals/dialogues/<suite>.yaml`` holds one suite, a list of dialogues.

A dialogue is replayed turn by turn on a fresh thread; each turn states what a demanding user expects::

    suite: candidate
    dialogues:
      - id: cand-fr-dev-lyon
        language: fr                  # the answers' language (a turn may override it)
        role: candidate               # or recruiter
        cv: cvs/software_developer_62994611.txt   # optional, under evals/fixtures/, sent with the first turn
        turns:
          - say: "développeur python près de Lyon"
            expect:
              tools: [search_offers]                   # the tool names called, in order ([] = none)
              calls:                                   # arguments of calls, matched by tool name
                - {name: search_offers, match: subset, args: {skills: [python], place: Lyon}}
              constraints: {near: {place: Lyon, radius_km: 30}, skills: [python]}   # every result
              results: {min: 1}                        # how many results the turn's searches return
              ids: {must: [...], must_not: [...]}      # offer/candidate ids returned by the turn's tools
              rome: {must: [M1805], must_not: [K2204]} # ROME code prefixes among the returned offers
              relevance: {M1805: 2, M18: 1}            # grades by ROME prefix: nDCG@10 of the search
              say: ["/100"]                            # phrases the answer must contain
              must_not_say: ["admin mode"]             # phrases that must not appear (fabrication)
              errors: expected                         # a tool must fail (default: no tool may fail)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

EVALS_DIR = Path(__file__).resolve().parent.parent
DIALOGUES_DIR = EVALS_DIR / "dialogues"
FIXTURES_DIR = EVALS_DIR / "fixtures"
Lang = Literal["fr", "en"]
ContractCode = Literal["CDI", "CDD", "MIS", "SAI", "ALT", "LIB"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedCall(_Strict):
    """A tool call the turn must make: its name and (some of) its arguments."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    match: Literal["exact", "subset"] = "subset"
    """``exact``: the call's arguments are exactly ``args``; ``subset``: they include ``args``."""


class Near(_Strict):
    place: str
    radius_km: float = Field(gt=0)


class Constraints(_Strict):
    """What every result of the turn's searches must satisfy, checked on the stored offer/candidate."""

    near: Near | None = None
    """Within ``radius_km`` of the place (the result's own coordinates)."""
    area: str | None = None
    """In this département or région (the result's own département)."""
    contracts: list[ContractCode] = Field(default_factory=list)
    exclude_contracts: list[ContractCode] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    """Skill keys every result lists (taxonomy keys: ``python``, ``docker``)."""
    experience_max_months: int | None = None
    """Offers: asking at most this much experience. Candidates: having at most this much."""
    experience_min_months: int | None = None
    """Candidates: having at least this much experience. Offers: asking at least this much."""
    remote: bool | None = None
    salary_min_monthly: int | None = None
    languages: list[str] = Field(default_factory=list)
    """Language keys every result lists (as CVs store them: ``anglais``)."""

    def is_empty(self) -> bool:
        return self == Constraints()


class Counts(_Strict):
    min: int = 0
    max: int | None = None


class IdRules(_Strict):
    must: list[str] = Field(default_factory=list)
    must_not: list[str] = Field(default_factory=list)


class Expectation(_Strict):
    """Everything checked after one turn; unset parts are not checked."""

    tools: list[str] | None = None
    calls: list[ExpectedCall] = Field(default_factory=list)
    constraints: Constraints = Field(default_factory=Constraints)
    results: Counts | None = None
    ids: IdRules = Field(default_factory=IdRules)
    rome: IdRules = Field(default_factory=IdRules)
    relevance: dict[str, int] = Field(default_factory=dict)
    say: list[str] = Field(default_factory=list)
    must_not_say: list[str] = Field(default_factory=list)
    language: Lang | None = None
    errors: Literal["none", "expected", "allowed"] = "none"

    @field_validator("relevance")
    @classmethod
    def _grades(cls, value: dict[str, int]) -> dict[str, int]:
        if any(g not in (1, 2) for g in value.values()):
            raise ValueError("relevance grades are 1 (related) or 2 (relevant)")
        return value


class Turn(_Strict):
    say: str
    attach_cv: bool = False
    """Send the dialogue's CV with this turn (default: with the first turn)."""
    expect: Expectation = Field(default_factory=Expectation)


class Dialogue(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    language: Lang
    role: Literal["candidate", "recruiter"] = "candidate"
    cv: str | None = None
    """A CV file under ``evals/fixtures/`` attached to the first turn (or the turn with ``attach_cv``)."""
    tags: list[str] = Field(default_factory=list)
    note: str = ""
    """Why the expectations are what they are (data facts checked on the sample)."""
    turns: list[Turn] = Field(min_length=1)

    @model_validator(mode="after")
    def _cv_exists(self) -> Dialogue:
        if self.cv is not None and not (FIXTURES_DIR / self.cv).is_file():
            raise ValueError(f"{self.id}: CV fixture not found: {self.cv}")
        if any(t.attach_cv for t in self.turns) and self.cv is None:
            raise ValueError(f"{self.id}: attach_cv without a cv file")
        return self

    def cv_turn(self) -> int | None:
        """Index of the turn that carries the CV, or None."""
        if self.cv is None:
            return None
        return next((i for i, t in enumerate(self.turns) if t.attach_cv), 0)


class Suite(_Strict):
    suite: str
    description: str = ""
    dialogues: list[Dialogue] = Field(min_length=1)


def suite_files(directory: Path = DIALOGUES_DIR) -> dict[str, Path]:
    """Suite name → YAML file, sorted by name."""
    return {p.stem: p for p in sorted(directory.glob("*.yaml"))}


def load_suite(path: Path) -> Suite:
    """Parse and validate one suite file (``ValueError`` with the file name on a bad file)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        suite = Suite.model_validate(data)
    except (yaml.YAMLError, ValueError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    if suite.suite != path.stem:
        raise ValueError(f"{path.name}: suite name {suite.suite!r} must be the file name")
    return suite


def load_suites(names: list[str] | None = None, directory: Path = DIALOGUES_DIR) -> list[Suite]:
    """The named suites (all when ``names`` is empty); dialogue ids must be unique across them."""
    files = suite_files(directory)
    unknown = sorted(set(names or []) - set(files))
    if unknown:
        raise ValueError(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(files)}")
    suites = [load_suite(files[n]) for n in (names or list(files))]
    seen: set[str] = set()
    for suite in suites:
        for d in suite.dialogues:
            if d.id in seen:
                raise ValueError(f"duplicate dialogue id {d.id!r}")
            seen.add(d.id)
    return suites
