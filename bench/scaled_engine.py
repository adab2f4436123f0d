"""A whole engine (SQL + FAISS + lexical) scaled up from the ingested real offers, for end-to-end benchmarks.

Offers are copied in SQL with new ids and places jittered by up to ~5 km; their stored embeddings are
copied too, so the indexes are built by ``sync`` without encoding anything. A complete engine already in
``workdir`` is reused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from app.runtime import Engine, build_engine
from store.models import EmbeddingRow, OfferRow, OfferSkillRow


def scaled_engine(engine: Engine, size: int, workdir: Path, seed: int = 0) -> Engine:
    settings = engine.settings.model_copy(
        update={"data_dir": workdir / f"engine-{size}", "database_url": None}
    )
    scaled = build_engine(settings)
    if scaled.offers.count() == size and scaled.lexical.count() == size:
        return scaled  # built by an earlier run (same seed, same copies)
    if scaled.offers.count():
        raise RuntimeError(f"{settings.data_dir} holds another corpus: remove it first")
    rng = np.random.default_rng(seed)
    with engine.db.session() as s:
        base = list(s.scalars(select(OfferRow).order_by(OfferRow.id)))
        skills: dict[int, list[OfferSkillRow]] = {}
        for sk in s.scalars(select(OfferSkillRow)):
            skills.setdefault(sk.offer_id, []).append(sk)
        vectors = {
            e.doc_id: e for e in s.scalars(select(EmbeddingRow).where(EmbeddingRow.collection == "offers"))
        }
    columns = [c.key for c in OfferRow.__table__.columns if c.key != "id"]
    made = 0
    while made < size:
        take = min(5_000, size - made)
        rows, skill_rows, emb_rows = [], [], []
        for j in range(take):
            n = made + j
            src, copy = base[n % len(base)], n // len(base)
            values = {c: getattr(src, c) for c in columns}
            values["id"] = n + 1
            values["external_id"] = f"{src.external_id}-{copy}" if copy else src.external_id
            if copy and src.latitude is not None and src.longitude is not None:
                dlat, dlon = rng.uniform(-0.045, 0.045, size=2)
                values["latitude"], values["longitude"] = src.latitude + dlat, src.longitude + dlon
            values["content_hash"] = f"{src.content_hash[:24]}{copy:08d}"
            rows.append(values)
            skill_rows += [
                {"offer_id": n + 1, "label": k.label, "key": k.key, "code": k.code,
                 "is_required": k.is_required, "origin": k.origin}
                for k in skills.get(src.id, [])
            ]  # fmt: skip
            e = vectors[src.id]
            emb_rows.append({"collection": "offers", "doc_id": n + 1, "model_id": e.model_id,
                             "content_hash": e.content_hash, "dim": e.dim, "vector": e.vector})  # fmt: skip
        with scaled.db.session() as s:
            s.execute(insert(OfferRow), rows)
            if skill_rows:
                s.execute(insert(OfferSkillRow), skill_rows)
            s.execute(insert(EmbeddingRow), emb_rows)
        made += take
    scaled.pipeline.sync()
    return scaled
