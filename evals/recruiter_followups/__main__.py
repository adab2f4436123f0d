"""Reading of recruiter follow-ups: does the planner keep the active search and add exactly the constraint?

``python -m evals.recruiter_followups`` prints the share of follow-ups read right on the dev and held-out
parts (split by case id, crc32 % 3 == 0 is held-out); ``--show dev`` lists the dev failures only.
"""

from __future__ import annotations

import argparse
import zlib
from pathlib import Path
from typing import Any

import yaml
from langchain_core.messages import HumanMessage

from agent.briefing import read_briefing, system_message
from agent.planner.model import OfflinePlanner
from agent.state import State
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_rome, default_skill_taxonomy
from services.utterance.reading import UtteranceReader, job_title_words
from tools import tools_for

CASES = Path(__file__).with_name("cases.yaml")


def split_of(case_id: str) -> str:
    return "held-out" if zlib.crc32(case_id.encode()) % 3 == 0 else "dev"


def expected_args(active: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    args = dict(active)
    for key, value in (case.get("add") or {}).items():
        args[key] = [*args.get(key, []), *value] if isinstance(value, list) else value
    args.update(case.get("set") or {})
    return args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", choices=["dev", "held-out"], default=None)
    opts = parser.parse_args(argv)
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    reader = UtteranceReader(
        default_gazetteer().load(), default_skill_taxonomy().load(), job_words=job_title_words(default_rome())
    )
    planner = OfflinePlanner(reader=reader).bind_tools(tools_for("recruiter"))
    assert isinstance(planner, OfflinePlanner)
    state = State(role="recruiter", active_search={"tool": "search_candidates", "args": data["active"]})
    totals: dict[str, list[int]] = {"dev": [0, 0], "held-out": [0, 0]}
    for case in data["cases"]:
        messages = [system_message(state), HumanMessage(case["say"])]
        plan = planner.plan(messages, 1, read_briefing(messages))
        got = plan.steps[0] if plan.steps else {"tool": plan.reply, "args": {}}
        want = expected_args(data["active"], case)
        norm = {k: sorted(v) if isinstance(v, list) else v for k, v in got["args"].items()}
        ok = got["tool"] == "search_candidates" and norm == {
            k: sorted(v) if isinstance(v, list) else v for k, v in want.items()
        }
        part = split_of(case["id"])
        totals[part][0] += ok
        totals[part][1] += 1
        if not ok and opts.show == part:
            print(f"FAIL {case['id']}: {case['say']!r}\n  got  {got}\n  want {want}")
    for part, (good, n) in totals.items():
        print(f"{part}: {good}/{n} follow-ups read right ({good / n:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
