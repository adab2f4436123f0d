"""The two generated sets: the CV development set (dev/heldout split by id) and the demo candidate pool."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import zipfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from offline.cv_generator.blocks import build
from offline.cv_generator.compose import LAYOUTS, CVDoc, compose
from offline.cv_generator.occupations import BY_KEY, OCCUPATIONS, Occupation
from offline.cv_generator.people import place_in, place_near
from offline.cv_generator.render import to_docx, to_pdf, to_text

ROOT = Path(__file__).resolve().parents[2]
APPELLATIONS = ROOT / "data" / "referentials" / "rome" / "unix_referentiel_appellation_v460_utf8.csv.gz"
DEV_DIR = ROOT / "evals" / "fixtures" / "cvs_fr"
POOL_DIR = ROOT / "data" / "candidates_fr"
DEV_SEED = 14
POOL_SEED = 2026
HELDOUT_SHARE = 1 / 3
LYON = (45.75418, 4.84203)


@cache
def rome_code(appellation: str) -> str:
    """The ROME code of an exact long appellation label (KeyError when the label is not in ROME 4.0)."""
    with gzip.open(APPELLATIONS, "rt", encoding="utf-8") as f:
        table = {row["libelle_appellation_long"]: row["code_rome"] for row in csv.DictReader(f)}
    return table[appellation]


def _fixed_zip(data: bytes) -> bytes:
    """Re-zip a DOCX with fixed timestamps so a seed always gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 11, 15, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_cv(doc: CVDoc, out_dir: Path, rng: random.Random) -> None:
    layout = build(doc, rng)
    path = out_dir / f"{doc.cv_id}.{doc.fmt}"
    if doc.fmt == "txt":
        path.write_text(to_text(layout, rng), encoding="utf-8")
    elif doc.fmt == "pdf":
        sidebar = {"sidebar_left": "left", "sidebar_right": "right"}.get(doc.layout)
        path.write_bytes(to_pdf(layout, sidebar))
    else:
        path.write_bytes(_fixed_zip(to_docx(layout, tables=doc.layout == "docx_table")))


def _format_for(layout: str, rng: random.Random, weights: tuple[float, float, float]) -> str:
    if layout in ("sidebar_left", "sidebar_right"):
        return "pdf"
    if layout == "docx_table":
        return "docx"
    if layout == "single_column":
        return rng.choices(("txt", "pdf"), weights=weights[:2])[0]
    return rng.choices(("txt", "pdf", "docx"), weights=weights)[0]


def _write_truth(records: Iterable[dict[str, object]], out_dir: Path) -> None:
    rows = sorted(records, key=lambda r: str(r["id"]))
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    (out_dir / "truth.jsonl").write_text(text, encoding="utf-8")


def _clean(out_dir: Path, prefix: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{prefix}-*"):
        old.unlink()


def generate_dev_set(n: int = 165, seed: int = DEV_SEED, out_dir: Path = DEV_DIR) -> list[dict[str, object]]:
    """``n`` CVs cycling over every layout and occupation; a third (by id, seeded shuffle) is held out."""
    rng = random.Random(seed)
    _clean(out_dir, "frcv")
    ids = [f"frcv-{i:03d}" for i in range(1, n + 1)]
    shuffled = ids[:]
    random.Random(seed + 1).shuffle(shuffled)
    heldout = set(shuffled[: round(n * HELDOUT_SHARE)])
    layouts = [LAYOUTS[i % len(LAYOUTS)] for i in range(n)]
    rng.shuffle(layouts)
    occupations: list[Occupation] = []
    while len(occupations) < n:
        batch = list(OCCUPATIONS)
        rng.shuffle(batch)
        occupations += batch
    records = []
    for cv_id, layout, occ in zip(ids, layouts, occupations, strict=False):
        doc = compose(cv_id, layout, _format_for(layout, rng, (0.4, 0.35, 0.25)), occ, rng)
        write_cv(doc, out_dir, rng)
        records.append(doc.truth(rome_code(occ.appellation), "heldout" if cv_id in heldout else "dev"))
    _write_truth(records, out_dir)
    return records


def generate_pool(n: int = 320, seed: int = POOL_SEED, out_dir: Path = POOL_DIR) -> list[dict[str, object]]:
    """The demo candidates: places all over France, plus profiles the demo queries must find
    (senior Python developers near Lyon, accountants with 5+ years in Paris, data profiles open to remote)."""
    rng = random.Random(seed)
    _clean(out_dir, "frpool")
    weights = (0.7, 0.25, 0.05)
    plan: list[tuple[Occupation, dict[str, object]]] = []
    for _ in range(24):
        plan.append((BY_KEY["dev_python"], {"place": "lyon", "min_years": 6.0, "senior": True}))
    for _ in range(20):
        plan.append((BY_KEY["comptable"], {"place": "paris", "min_years": 5.0}))
    for i in range(24):
        key = ("data_analyst", "data_scientist", "data_engineer")[i % 3]
        plan.append((BY_KEY[key], {"remote": rng.choice(("full_remote", "hybrid"))}))
    while len(plan) < n:
        plan.append((rng.choice(OCCUPATIONS), {}))
    rng.shuffle(plan)
    records = []
    for i, (occ, steer) in enumerate(plan, start=1):
        cv_id = f"frpool-{i:04d}"
        layout = (
            rng.choice(LAYOUTS)
            if not steer
            else rng.choice(
                ("single_column", "sidebar_left", "headline_only", "caps_headings", "bullet_experience")
            )
        )
        place = None
        if steer.get("place") == "lyon":
            place = place_near(rng, *LYON, radius_km=25)
        elif steer.get("place") == "paris":
            place = place_in(rng, "Paris")
        min_years = steer.get("min_years")
        remote = steer.get("remote")
        doc = compose(
            cv_id,
            layout,
            _format_for(layout, rng, weights),
            occ,
            rng,
            place=place,
            min_years=float(min_years) if isinstance(min_years, float) else None,
            remote=str(remote) if remote else None,
            senior=bool(steer.get("senior")),
        )
        write_cv(doc, out_dir, rng)
        records.append(doc.truth(rome_code(occ.appellation), "pool"))
    _write_truth(records, out_dir)
    return records
