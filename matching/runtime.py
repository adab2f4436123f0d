"""Composition root: builds the live engine services once from ``Settings``.

Everything below this module receives plain objects; only edges (CLI, API, UI, evals) call
``build_engine``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ingestion.offers.france_travail import FranceTravailNormalizer
from ingestion.pipeline import IndexingPipeline
from matching.embeddings import EmbeddingProvider, create_embedder
from matching.geo import Gazetteer, default_gazetteer
from matching.hybrid import FusionConfig, HybridSearcher
from matching.lexical.base import LexicalBackend
from matching.query.understanding import QueryInterpreter
from matching.search_service import OfferSearchService
from matching.settings import Settings
from matching.store import Database, OfferRepository
from matching.taxonomy import SkillTaxonomy, default_skill_taxonomy
from matching.vector import FaissVectorIndex


def index_dir(data_dir: Path, collection: str, kind: str) -> Path:
    return data_dir / "indexes" / collection / kind


def open_lexical(settings: Settings, collection: str) -> LexicalBackend:
    """The lexical backend chosen by settings: Elasticsearch when a URL is set, tantivy otherwise."""
    if settings.effective_lexical_backend == "elasticsearch":
        from matching.lexical.elastic import ElasticsearchBackend, connect_elasticsearch

        client = connect_elasticsearch(
            settings.elasticsearch_url or "",
            api_key=settings.elasticsearch_api_key.get_secret_value()
            if settings.elasticsearch_api_key
            else None,
            username=settings.elasticsearch_username,
            password=settings.elasticsearch_password.get_secret_value()
            if settings.elasticsearch_password
            else None,
            ca_certs=str(settings.elasticsearch_ca_certs) if settings.elasticsearch_ca_certs else None,
        )
        return ElasticsearchBackend(client, collection, index_prefix=settings.elasticsearch_index_prefix)
    from matching.lexical.tantivy_backend import TantivyBackend

    return TantivyBackend(index_dir(settings.data_dir, collection, "tantivy"), collection)


@dataclass
class Engine:
    """The live services of one data directory."""

    settings: Settings
    db: Database
    embedder: EmbeddingProvider
    vectors: FaissVectorIndex
    lexical: LexicalBackend
    offers: OfferRepository = field(init=False)

    def __post_init__(self) -> None:
        self.offers = OfferRepository(self.db)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return default_gazetteer()

    @cached_property
    def taxonomy(self) -> SkillTaxonomy:
        return default_skill_taxonomy()

    @cached_property
    def searcher(self) -> HybridSearcher:
        s = self.settings
        return HybridSearcher(
            lexical=self.lexical,
            vectors=self.vectors,
            embedder=lambda: self.embedder,
            fusion=FusionConfig(method=s.fusion, lexical_weight=s.fusion_lexical_weight, rrf_k=s.rrf_k),
        )

    @cached_property
    def offer_search(self) -> OfferSearchService:
        return OfferSearchService(
            searcher=self.searcher, repository=self.offers, interpreter=QueryInterpreter(self.gazetteer)
        )

    @cached_property
    def pipeline(self) -> IndexingPipeline:
        tax = self.taxonomy
        normalizer = FranceTravailNormalizer(
            normalize_skill=tax.normalize,
            extract_skills=lambda text: [(m.key, tax.label(m.key)) for m in tax.extract(text)],
            department_of_postcode=self.gazetteer.department_of_postcode,
        )
        return IndexingPipeline(
            repository=self.offers,
            normalizer=normalizer,
            embedder=lambda: self.embedder,
            vectors=self.vectors,
            lexical=self.lexical,
            batch_size=max(32, self.settings.embedding_batch_size * 4),
        )

    def close(self) -> None:
        self.lexical.close()
        self.db.dispose()


def build_engine(settings: Settings, *, rebuild_indexes: bool = False) -> Engine:
    """Open (creating when missing) the store and both indexes of ``settings.data_dir``.

    Args:
        rebuild_indexes: drop the derived indexes first (the SQL store is kept); follow with a sync.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    db.create_schema()
    embedder = create_embedder(settings.embedding_model)
    faiss_dir = index_dir(settings.data_dir, "offers", "faiss")
    if rebuild_indexes and faiss_dir.exists():
        shutil.rmtree(faiss_dir)
    vectors = FaissVectorIndex.open(
        faiss_dir,
        model_id=embedder.model_id,
        dim=embedder.dim,
        exact_threshold=settings.vector_exact_threshold,
    )
    lexical = open_lexical(settings, "offers")
    if rebuild_indexes:
        lexical.clear()
    return Engine(settings=settings, db=db, embedder=embedder, vectors=vectors, lexical=lexical)
