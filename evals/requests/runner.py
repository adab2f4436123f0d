"""``bassin eval requests``: the offline planner on the request table, field by field, dev and held-out.

Each request is read on a fresh conversation by the same planner the agent uses; its first
``search_offers`` call (or its reply without tools) is compared with the labels. One third of the cases,
chosen by a hash of their id with a fixed seed, is held out: tuning looks at dev failures only, the
held-out part is reported as numbers and never listed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from domain.text import fold

HERE = Path(__file__).parent
TABLES = (HERE / "generated.jsonl", HERE / "handwritten.yaml")
THRESHOLDS = HERE.parent / "thresholds.yaml"
DEFAULT_REPORT_DIR = Path("var/evals/requests-report")
SPLIT_SEED = "bassin-requests-2026"
FIELDS = (
    "reply", "query", "skills", "place", "radius_km", "contracts", "exclude_contracts", "experience_min_months",
    "experience_max_months", "remote", "salary_min_monthly", "published_within_days",
)  # fmt: skip
METRICS = ("exact_match", "field_accuracy")
Split = str  # "dev" | "held_out"
Reader = Callable[[str], dict[str, Any]]


@dataclass
class Case:
    id: str
    text: str
    lang: str
    expect: dict[str, Any]

    @property
    def split(self) -> Split:
        return "held_out" if split_of(self.id) else "dev"


@dataclass
class Outcome:
    case: Case
    got: dict[str, Any]
    wrong: list[str] = field(default_factory=list)


def split_of(case_id: str) -> bool:
    """True for held-out cases: a third of ids, fixed by a hash (adding cases never moves old ones)."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{case_id}".encode()).hexdigest()
    return int(digest, 16) % 3 == 0


def load_cases(paths: Iterable[Path] = TABLES) -> list[Case]:
    cases: list[Case] = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        rows = (
            [json.loads(line) for line in text.splitlines() if line.strip()]
            if path.suffix == ".jsonl"
            else yaml.safe_load(text)
        )
        cases += [
            Case(str(r["id"]), str(r["text"]), str(r.get("lang", "fr")), dict(r["expect"])) for r in rows
        ]
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate request ids in the table")
    unknown = {k for c in cases for k in c.expect} - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown expected fields: {sorted(unknown)}")
    return cases


def normalise(name: str, value: Any) -> Any:
    """Comparable form: folded text, sorted lists, floats for numbers, None for empty."""
    if value in (None, "", []):
        return None
    if name in ("query", "place"):
        return re.sub(r"\s+", " ", fold(str(value))).strip(" ,.")
    if isinstance(value, list):
        return sorted(fold(str(v)) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def compare(case: Case, got: dict[str, Any]) -> list[str]:
    """Fields whose value differs from the label (a field not labelled must stay unset)."""
    return [f for f in FIELDS if normalise(f, case.expect.get(f)) != normalise(f, got.get(f))]


def offline_reader() -> Reader:
    """The offline planner as the agent builds it, reading one message on a fresh candidate thread."""
    from langchain_core.messages import HumanMessage

    from agent.briefing import read_briefing, system_message
    from agent.planner import OfflinePlanner
    from agent.state import State
    from referentials.geo import default_gazetteer
    from referentials.taxonomy import default_rome, default_skill_taxonomy
    from services.utterance import UtteranceReader
    from services.utterance.reading import job_title_words
    from tools import tools_for

    reader = UtteranceReader(
        default_gazetteer().load(), default_skill_taxonomy().load(), job_words=job_title_words(default_rome())
    )
    planner = OfflinePlanner(reader=reader).bind_tools(tools_for("candidate"))
    assert isinstance(planner, OfflinePlanner)

    def read(text: str) -> dict[str, Any]:
        state = State(role="candidate")
        messages = [system_message(state), HumanMessage(text)]
        plan = planner.plan(messages, 1, read_briefing(messages))
        if plan.reply is not None or not plan.steps:
            return {"reply": plan.reply or plan.intent}
        step = plan.steps[0]
        if step["tool"] == "suggest_occupations":  # a career change: occupations suggested, nothing searched
            return {"reply": "career_change"}
        return dict(step["args"]) if step["tool"] == "search_offers" else {"reply": step["tool"]}

    return read


def run(cases: list[Case], read: Reader) -> list[Outcome]:
    outcomes = []
    for case in cases:
        got = read(case.text)
        outcomes.append(Outcome(case, got, compare(case, got)))
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    """Exact-match rate, field accuracy (over fields labelled or produced) and per-field accuracy."""
    per_field: dict[str, list[bool]] = {f: [] for f in FIELDS}
    for o in outcomes:
        for f in FIELDS:
            if normalise(f, o.case.expect.get(f)) is not None or normalise(f, o.got.get(f)) is not None:
                per_field[f].append(f not in o.wrong)
    graded = [ok for oks in per_field.values() for ok in oks]
    return {
        "n": len(outcomes),
        "exact_match": sum(not o.wrong for o in outcomes) / max(1, len(outcomes)),
        "field_accuracy": sum(graded) / max(1, len(graded)),
        "fields": {f: {"n": len(v), "accuracy": sum(v) / len(v)} for f, v in per_field.items() if v},
    }


def load_gates(path: Path = THRESHOLDS) -> dict[Split, dict[str, dict[str, float]]]:
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("requests") or {}
    for split, gates in data.items():
        if split not in ("dev", "held_out") or not set(gates) <= set(METRICS):
            raise ValueError(f"{path.name}: bad requests gate {split}: {gates}")
    return data


def gate_failures(
    by_split: dict[Split, dict[str, Any]], gates: dict[Split, dict[str, dict[str, float]]]
) -> list[str]:
    out = []
    for split, split_gates in gates.items():
        for metric, gate in split_gates.items():
            value = by_split[split][metric]
            if "min" in gate and value < gate["min"]:
                out.append(f"{split} {metric} {value:.3f} < {gate['min']}")
            if "max" in gate and value > gate["max"]:
                out.append(f"{split} {metric} {value:.3f} > {gate['max']}")
    return out


def summary(by_split: dict[Split, dict[str, Any]]) -> str:
    lines = [
        "| split | requests | exact match | field accuracy | " + " | ".join(f for f in FIELDS) + " |",
        "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in FIELDS) + " |",
    ]
    for split, m in by_split.items():
        cells = [f"{m['fields'][f]['accuracy']:.0%}" if f in m["fields"] else "–" for f in FIELDS]
        lines.append(
            f"| {split} | {m['n']} | {m['exact_match']:.1%} | {m['field_accuracy']:.1%} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def evaluate(
    read: Reader | None = None, cases: list[Case] | None = None
) -> tuple[dict[Split, Any], list[Outcome]]:
    cases = cases if cases is not None else load_cases()
    outcomes = run(cases, read or offline_reader())
    by_split = {
        split: metrics([o for o in outcomes if o.case.split == split]) for split in ("dev", "held_out")
    }
    return by_split, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_REPORT_DIR)
    args = parser.parse_args(argv)
    by_split, outcomes = evaluate()
    args.out.mkdir(parents=True, exist_ok=True)
    dev_failures = [o for o in outcomes if o.wrong and o.case.split == "dev"]
    (args.out / "metrics.json").write_text(json.dumps(by_split, indent=2), encoding="utf-8")
    with (args.out / "dev_failures.jsonl").open("w", encoding="utf-8") as fh:
        for o in dev_failures:
            row = {"id": o.case.id, "text": o.case.text[:300], "wrong": o.wrong, "expect": o.case.expect,
                   "got": o.got}  # fmt: skip
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    table = summary(by_split)
    (args.out / "summary.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(
        f"Échecs dev : {len(dev_failures)} (détail : {args.out / 'dev_failures.jsonl'}) ; held-out : chiffres seuls."
    )
    failures = gate_failures(by_split, load_gates())
    if failures:
        print("Seuils non atteints :\n  " + "\n  ".join(failures))
        return 1
    print("Tous les seuils sont atteints.")
    return 0
