"""Shared helpers for the scoring tests: offer rows built by hand, and a small real offer store."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingestion.offers.france_travail import FranceTravailNormalizer
from referentials.geo import default_gazetteer
from referentials.taxonomy import default_skill_taxonomy
from store import Database, OfferRepository
from store.embeddings import embed_key
from store.models import OfferRow, OfferSkillRow
from tests.conftest import load_raw_offers

_NEXT_ID = [10_000]


CV_TEXT = """Marie Dupont
Développeuse Python
69003 Lyon
marie.dupont@example.fr – 06 12 34 56 78

Profil
Développeuse Python, je recherche un CDI à Lyon, télétravail partiel.

Expérience professionnelle
Développeuse Python — Acme, Lyon
janvier 2020 – présent
Développement d'API avec Django et PostgreSQL, déploiement Docker.

Développeuse web — Beta, Villeurbanne
mars 2018 – décembre 2019
Applications Flask, tests avec pytest.

Compétences
Python, Django, PostgreSQL, Docker, Git

Langues
Anglais courant
"""

COOK_CV_TEXT = """Jean Martin
Cuisinier
13001 Marseille

Expérience professionnelle
Cuisinier — Restaurant Le Port, Marseille
septembre 2016 – présent
Préparation des entrées et des plats, respect des règles d'hygiène HACCP.

Compétences
HACCP, cuisine traditionnelle, pâtisserie
"""


def make_offer(
    *,
    title: str = "Développeur Python H/F",
    description: str = "Nous recherchons un développeur Python pour notre équipe data.",
    skills: Sequence[tuple[str, str | None, bool]] = (),
    rome_code: str | None = "M1805",
    contract_type: str = "CDI",
    contract_label: str | None = None,
    alternance: bool = False,
    experience_months: int | None = 0,
    experience_required: str | None = "Débutant accepté",
    lat: float | None = 45.764,
    lon: float | None = 4.8357,
    location: str | None = "69 - Lyon 3e Arrondissement",
    remote: bool | None = None,
    languages: Sequence[str] = (),
    raw: dict[str, Any] | None = None,
    doc_id: int | None = None,
) -> OfferRow:
    """An offer row as the store holds it (not persisted); ``skills`` are (label, key, required)."""
    if doc_id is None:
        _NEXT_ID[0] += 1
        doc_id = _NEXT_ID[0]
    row = OfferRow(
        id=doc_id,
        external_id=f"T{doc_id}",
        source="test",
        title=title,
        description=description,
        location=location,
        latitude=lat,
        longitude=lon,
        contract_type=contract_type,
        contract_label=contract_label or contract_type,
        alternance=alternance,
        experience_months=experience_months,
        experience_required=experience_required,
        rome_code=rome_code,
        rome_label=None,
        appellation=None,
        remote=remote,
        languages=list(languages),
        raw=raw or {},
        published_at=datetime(2025, 11, 14, tzinfo=UTC),
        content_hash=f"hash-{doc_id}-{len(description)}",
    )
    row.skills = [
        OfferSkillRow(label=label, key=key, is_required=required, origin="france_travail")
        for label, key, required in skills
    ]
    return row


def real_store(tmp: Path, limit: int = 400) -> tuple[OfferRepository, list[OfferRow]]:
    """The first ``limit`` shipped real offers, normalised and stored in a fresh SQLite database."""
    tax = default_skill_taxonomy()
    normalizer = FranceTravailNormalizer(
        normalize_skill=tax.normalize,
        extract_skills=lambda text: [(m.key, tax.label(m.key)) for m in tax.extract(text)],
        department_of_postcode=default_gazetteer().department_of_postcode,
    )
    db = Database(f"sqlite:///{tmp / 'offers.db'}")
    db.create_schema()
    repo = OfferRepository(db)
    records = [normalizer.normalize(raw) for raw in load_raw_offers(limit)]
    outcome = repo.upsert_many(records)
    return repo, repo.get_many(outcome.changed_doc_ids)


class KeywordEmbedder:
    """A tiny deterministic embedder: one dimension per word bucket (enough for cosine ordering)."""

    model_id = "test-keywords"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class SmallEngine:
    """A real hybrid search over a few hundred real offers: tantivy + exact FAISS + ``KeywordEmbedder``."""

    def __init__(self, tmp: Path, limit: int = 400) -> None:
        from retrieval.hybrid import HybridSearcher
        from retrieval.lexical.tantivy_backend import TantivyBackend
        from retrieval.vector import FaissVectorIndex
        from store.offers import offer_document

        self.offers, self.rows = real_store(tmp, limit)
        self.docs = [offer_document(r) for r in self.rows]
        self.embedder = KeywordEmbedder()
        self.lexical = TantivyBackend(tmp / "tantivy", "offers")
        self.lexical.upsert(self.docs)
        self.lexical.commit()
        self.vectors = FaissVectorIndex(tmp / "faiss", model_id=self.embedder.model_id, dim=self.embedder.dim)
        vectors = self.embedder.embed_documents([d.embed_text for d in self.docs])
        self.vectors.upsert(self.docs, vectors)
        self.offers.save_embeddings(
            self.embedder.model_id, [(d.doc_id, embed_key(d.embed_text)) for d in self.docs], vectors
        )
        self.embedder.calls = 0
        self.searcher = HybridSearcher(
            lexical=self.lexical, vectors=self.vectors, embedder=lambda: self.embedder
        )

    def close(self) -> None:
        self.lexical.close()
