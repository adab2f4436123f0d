"""The synthetic French CV generator (``offline/cv_generator``): deterministic, truthful, real referentials."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from pathlib import Path

import pytest

from offline.cv_generator import LAYOUTS, generate_dev_set
from offline.cv_generator.occupations import OCCUPATIONS
from offline.cv_generator.periods import Period, merged_months, render
from offline.cv_generator.sets import rome_code

AS_OF = date(2026, 11, 15)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_files_and_every_layout(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    records = generate_dev_set(n=len(LAYOUTS) * 2, seed=3, out_dir=a)
    generate_dev_set(n=len(LAYOUTS) * 2, seed=3, out_dir=b)
    assert _digest(a) == _digest(b)
    assert {r["layout"] for r in records} == set(LAYOUTS)
    assert {r["format"] for r in records} == {"txt", "pdf", "docx"}
    for r in records:
        assert (a / str(r["file"])).stat().st_size > 500
        assert r["skills"] and r["name"] and r["email"] and r["phone"] and r["city"] and r["postcode"]
        assert r["education_level"] in {"cap_bep", "bac", "bac+2", "bac+3", "bac+5", "doctorat"}


def test_text_cv_states_what_its_truth_says(tmp_path: Path) -> None:
    records = generate_dev_set(n=30, seed=5, out_dir=tmp_path)
    for r in (r for r in records if r["format"] == "txt"):
        text = (tmp_path / str(r["file"])).read_text(encoding="utf-8")
        first, last = str(r["name"]).split(" ", 1)
        assert (first in text and (last in text or last.upper() in text)) and str(r["email"]) in text
        assert str(r["city"]) in text
        assert all(str(skill) in text for skill in r["skills"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("period", "written", "months"),
    [
        (Period((2019, 1), None, "abbr"), "janv. 2019", 95),
        (Period((2016, 9), (2019, 6), "slash_a"), "09/2016 à 06/2019", 34),
        (Period((2012, 1), (2014, 6), "de_annee"), "De 2012 à 2014", 24),
        (Period((2021, 3), None, "depuis"), "epuis mars 2021", 69),
    ],
)
def test_french_date_forms_and_their_months(period: Period, written: str, months: int) -> None:
    assert written in render(period, random.Random(0))
    assert merged_months([period], AS_OF) == months


def test_overlapping_periods_count_once() -> None:
    a = Period((2018, 1), (2019, 12), "slash_a")
    b = Period((2019, 1), (2020, 12), "slash_a")
    assert merged_months([a, b], AS_OF) == 36


def test_occupations_use_real_rome_appellations_and_cover_every_domain() -> None:
    assert len(OCCUPATIONS) >= 30
    assert len({o.domain for o in OCCUPATIONS}) == 11
    for occ in OCCUPATIONS:
        assert len(rome_code(occ.appellation)) == 5


def test_demo_pool_holds_the_profiles_the_demo_queries_ask_for() -> None:
    """``data/candidates_fr`` (ingested by ``make demo``): distinct from the dev set, places all over France."""
    import json

    from offline.cv_generator.sets import DEV_DIR, POOL_DIR

    pool = [json.loads(line) for line in (POOL_DIR / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    dev = [json.loads(line) for line in (DEV_DIR / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(pool) >= 300 and all((POOL_DIR / r["file"]).is_file() for r in pool)
    assert not {r["email"] for r in pool} & {r["email"] for r in dev}
    assert len({r["department"] for r in pool}) >= 60
    lyon = {"69", "01", "38"}
    assert (
        sum(
            r["occupation"] == "dev_python" and r["total_experience_years"] >= 5 and r["department"] in lyon
            for r in pool
        )
        >= 15
    )
    assert (
        sum(
            r["occupation"] == "comptable" and r["total_experience_years"] >= 5 and r["city"] == "Paris"
            for r in pool
        )
        >= 15
    )
    assert (
        sum(
            r["domain"] == "informatique"
            and r["occupation"].startswith("data_")
            and r["remote_wish"] in ("full_remote", "hybrid")
            for r in pool
        )
        >= 15
    )
