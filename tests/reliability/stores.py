"""The reliability suite's store setups: a small real store (40 offers, 3 CVs) and the checks that it is
in step after a crash or concurrent writers: nothing lost, duplicated or left behind."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from app.runtime import Engine, build_engine
from app.settings import Settings
from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz

CV = """{name}
{email} · 06 {phone}
69003 Lyon

{title}

Expérience professionnelle
2016 - 2024 {title}, Société Exemple {n}, Lyon
Conception d'API REST avec Django et PostgreSQL, déploiement sur Kubernetes.

Compétences
Python, Django, PostgreSQL, Docker, Git
"""


@dataclass
class Store:
    """One store setup shared by the cases of a module, and what it should hold."""

    name: str
    data: Path
    env: dict[str, str]
    settings: Settings
    offers: set[str] = field(default_factory=set)
    candidates: set[str] = field(default_factory=set)
    next_offer: int = 0
    next_cv: int = 0
    work: Path = Path()
    raw: list[dict[str, Any]] = field(default_factory=list)

    def engine(self) -> Engine:
        return build_engine(self.settings)

    def new_offers(self, n: int) -> list[dict[str, Any]]:
        rows = self.raw[self.next_offer : self.next_offer + n]
        self.next_offer += n
        return rows

    def new_cvs(self, n: int) -> Path:
        folder = self.work / f"cvs-{self.next_cv}"
        folder.mkdir()
        for i in range(self.next_cv, self.next_cv + n):
            text = CV.format(name=f"Personne Numéro{i}", email=f"personne{i}@exemple.fr",
                             phone=f"{i % 100:02d} {i // 100:02d} 56 78", n=i,
                             title="Développeuse Python" if i % 2 else "Développeur backend")  # fmt: skip
            path = folder / f"cv{i:03d}.txt"
            path.write_text(text, encoding="utf-8")
            self.candidates.add("cv-" + hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        self.next_cv += n
        return folder


def build_store(name: str, root: Path, env: dict[str, str], settings: Settings) -> Store:
    store = Store(name, settings.data_dir, env, settings, work=root, raw=load_raw_offers(1_000))
    rows = store.new_offers(40)
    engine = store.engine()
    try:
        from ingestion.offers.readers import read_offer_items

        engine.pipeline.ingest(read_offer_items(write_jsonl_gz(root / "seed.jsonl.gz", rows)))
        for path in sorted(store.new_cvs(3).iterdir()):
            engine.candidate_ingestion.ingest_bytes(path.read_bytes(), path.name)
    finally:
        engine.close()
    store.offers = {r["id"] for r in rows}
    return store


def processes_of(data: Path) -> list[int]:
    """Live processes started for this data dir (the killed command's forked workers included)."""
    found = []
    for proc in psutil.process_iter(["pid", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if proc.environ().get("BASSIN_DATA_DIR") == str(data):
                found.append(proc.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def leftover_files(store: Store, engine: Engine) -> list[str]:
    """Files and index versions nothing points to (what a killed write may have left)."""
    out = [str(p.relative_to(store.data)) for p in store.data.rglob("*") if ".tmp" in p.name]
    cvs = store.data / "cvs"
    cvs.mkdir(exist_ok=True)
    recorded = engine.candidates.stored_files()
    out += [f"cvs/{p.name} (no row)" for p in cvs.iterdir() if p.name not in recorded]
    out += [f"cvs/{name} (missing)" for name in recorded if not (cvs / name).exists()]
    for collection in ("offers", "candidates"):
        faiss_dir = store.data / "indexes" / collection / "faiss"
        if faiss_dir.is_dir():
            named = set(json.loads((faiss_dir / "manifest.json").read_text())["files"].values())
            out += [f"{faiss_dir.name}/{p.name}" for p in faiss_dir.iterdir()
                    if p.name not in named | {"manifest.json", ".writer.lock"}]  # fmt: skip
        tantivy_dir = store.data / "indexes" / collection / "tantivy"
        if tantivy_dir.is_dir():
            meta = json.loads((tantivy_dir / "meta.json").read_text())
            segments = {s["segment_id"].replace("-", "") for s in meta["segments"]}
            out += [f"tantivy/{p.name}" for p in tantivy_dir.iterdir()
                    if not p.name.startswith(".") and p.name != "meta.json"
                    and p.name.split(".")[0] not in segments]  # fmt: skip
    if store.settings.lexical_backend == "elasticsearch":
        client = engine.es_client()
        prefix = store.settings.elasticsearch_index_prefix
        aliased = {i for i, v in client.indices.get_alias(index=f"{prefix}-*").body.items() if v["aliases"]}
        out += [f"es/{i}" for i in client.indices.get(index=f"{prefix}-*").body if i not in aliased]
    return out


def assert_in_step(store: Store, *, files: bool = True) -> None:
    """SQL and both indexes agree by content, hold exactly the expected documents once, and (``files``)
    nothing is left behind."""
    engine = store.engine()
    try:
        for collection in ("offers", "candidates"):
            check = engine.indexer(collection).check()
            assert check.consistent, check.summary()
        offers = engine.offers.get_by_external_ids(sorted(store.offers))
        assert set(offers) == store.offers, "lost offers"
        assert engine.offers.count() == len(store.offers), "duplicated or resurrected offers"
        candidates = {r.external_id for r in engine.candidates.get_many(list(engine.candidates.hashes()))}
        assert candidates == store.candidates, (candidates, store.candidates)
        assert engine.candidates.count() == len(store.candidates), "duplicated candidates"
        left = leftover_files(store, engine) if files else []
        assert left == [], left
    finally:
        engine.close()
