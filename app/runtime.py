"""The composition root: every live service of one data directory, built once from ``Settings``.

``build_engine(settings)`` opens the store and returns an ``Engine`` whose properties build each service on
first use (search, scoring, matching, ingestion). It is the only place services are wired: the edges (CLI,
API, UI, LangGraph server, evals) call it, and ``app.agent`` turns it into the agent's runtime context.
Services themselves receive narrow dependencies, never the ``Engine``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import Settings
from domain.documents import Collection
from referentials import compiled
from referentials.geo import Gazetteer, default_gazetteer
from referentials.occupation import OccupationClassifier, default_occupations
from referentials.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from retrieval.embeddings import EmbeddingProvider, create_embedder
from retrieval.hybrid import FusionConfig, HybridSearcher
from retrieval.lexical.base import LexicalBackend
from retrieval.query.understanding import QueryInterpreter
from retrieval.vector import FaissVectorIndex
from scoring.scorer import MatchScorer
from services.offer_search import OfferSearchService
from services.ranking import OfferRanker, read_occupation
from store import Database, OfferRepository
from store.candidates import CandidateRepository

if TYPE_CHECKING:  # what only writes, matching or the agent use: imported by the property that builds it
    from ingestion.candidates import CandidateIngestion
    from ingestion.indexer import CollectionIndexer, SyncReport
    from ingestion.pipeline import IndexingPipeline
    from scoring.matcher import CandidateMatcher, OfferMatcher
    from scoring.whatif import WhatIfAnalyzer
    from services.candidate_search import CandidateSearchService, StoredCandidateSearch
    from services.match_scoring import MatchScoring
    from services.offer_details import HttpOfferDetails, RepositoryOfferDetails

COLLECTIONS: tuple[Collection, ...] = ("offers", "candidates")
TITLE_CONFIDENCE = 0.3
"""A candidate title read with less confidence than this has no occupation (kept by recruiter searches)."""


def index_dir(data_dir: Path, collection: str, kind: str) -> Path:
    return data_dir / "indexes" / collection / kind


def open_lexical(settings: Settings, collection: str) -> LexicalBackend:
    """The lexical backend chosen by settings: Elasticsearch when a URL is set, tantivy otherwise."""
    if settings.effective_lexical_backend == "elasticsearch":
        from retrieval.lexical.elastic import ElasticsearchBackend, connect_elasticsearch

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
    from retrieval.lexical.tantivy_backend import TantivyBackend

    return TantivyBackend(index_dir(settings.data_dir, collection, "tantivy"), collection)


@dataclass
class Indexes:
    """The derived indexes of one collection."""

    vectors: FaissVectorIndex
    lexical: LexicalBackend


class Engine:
    """The live services of one data directory; the candidate indexes open on first use."""

    def __init__(
        self, settings: Settings, db: Database, embedder: EmbeddingProvider, *, rebuild_indexes: bool = False
    ) -> None:
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self._rebuild = rebuild_indexes
        self._indexes: dict[str, Indexes] = {}
        self.offers = OfferRepository(db)
        self.candidates = CandidateRepository(db)

    def indexes(self, collection: Collection) -> Indexes:
        """Open (or create) a collection's FAISS and lexical indexes, once."""
        if collection not in self._indexes:
            s = self.settings
            faiss_dir = index_dir(s.data_dir, collection, "faiss")
            if self._rebuild and faiss_dir.exists():
                shutil.rmtree(faiss_dir)
            vectors = FaissVectorIndex.open(
                faiss_dir,
                model_id=self.embedder.model_id,
                dim=self.embedder.dim,
                exact_threshold=s.vector_exact_threshold,
            )
            lexical = open_lexical(s, collection)
            if self._rebuild:
                lexical.clear()
            self._indexes[collection] = Indexes(vectors, lexical)
        return self._indexes[collection]

    @property
    def vectors(self) -> FaissVectorIndex:
        return self.indexes("offers").vectors

    @property
    def lexical(self) -> LexicalBackend:
        return self.indexes("offers").lexical

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return default_gazetteer()

    @cached_property
    def taxonomy(self) -> SkillTaxonomy:
        return default_skill_taxonomy()

    @cached_property
    def rome(self) -> RomeReferential:
        return default_rome()

    @cached_property
    def occupations(self) -> OccupationClassifier:
        return default_occupations()

    @cached_property
    def interpreter(self) -> QueryInterpreter:
        return QueryInterpreter(self.gazetteer)

    def _searcher(self, collection: Collection) -> HybridSearcher:
        s = self.settings
        idx = self.indexes(collection)
        return HybridSearcher(
            lexical=idx.lexical,
            vectors=idx.vectors,
            embedder=lambda: self.embedder,
            fusion=FusionConfig(method=s.fusion, lexical_weight=s.fusion_lexical_weight, rrf_k=s.rrf_k),
        )

    def indexer(self, collection: Collection) -> CollectionIndexer:
        from ingestion.indexer import CollectionIndexer

        idx = self.indexes(collection)
        source = self.offers if collection == "offers" else self.candidates
        return CollectionIndexer(
            source=source,
            embedder=lambda: self.embedder,
            vectors=idx.vectors,
            lexical=idx.lexical,
            batch_size=max(32, self.settings.embedding_batch_size * 4),
        )

    @cached_property
    def searcher(self) -> HybridSearcher:
        return self._searcher("offers")

    @cached_property
    def offer_search(self) -> OfferSearchService:
        return OfferSearchService(
            searcher=self.searcher,
            repository=self.offers,
            interpreter=self.interpreter,
            ranker=OfferRanker(
                scorer=self.scorer, taxonomy=self.taxonomy, rome=self.rome, occupations=self.occupations
            ),
        )

    @cached_property
    def candidate_search(self) -> CandidateSearchService:
        from services.candidate_search import CandidateSearchService

        def title_codes(title: str) -> list[str]:
            """Likely ROME codes of a candidate's title; none when the reading is too unsure."""
            guesses = self.occupations.classify(title, k=3)
            if not guesses or guesses[0].confidence < TITLE_CONFIDENCE:
                return []
            return [g.code for g in guesses if g.confidence >= TITLE_CONFIDENCE / 2]

        return CandidateSearchService(
            searcher=self._searcher("candidates"),
            repository=self.candidates,
            interpreter=self.interpreter,
            occupation_of=lambda text: read_occupation(text, self.rome, self.occupations),
            title_codes=title_codes,
        )

    @cached_property
    def scorer(self) -> MatchScorer:
        """The calibrated match scorer (thread-safe; the cross-encoder only when a model is configured)."""
        s = self.settings
        return MatchScorer(
            taxonomy=self.taxonomy,
            rome=self.rome,
            embedder=self.embedder,
            stored_vectors=self.offers,
            reranker_model=s.reranker_model,
            rerank_top_k=s.rerank_top_k,
            rerank_budget_ms=s.rerank_budget_ms,
        )

    @cached_property
    def offer_matcher(self) -> OfferMatcher:
        from scoring.matcher import OfferMatcher

        return OfferMatcher(searcher=self.searcher, repository=self.offers, scorer=self.scorer)

    @cached_property
    def stored_candidates(self) -> StoredCandidateSearch:
        from services.candidate_search import StoredCandidateSearch

        return StoredCandidateSearch(self.candidate_search, self.candidates, self.settings.data_dir / "cvs")

    @cached_property
    def candidate_matcher(self) -> CandidateMatcher:
        from scoring.matcher import CandidateMatcher

        return CandidateMatcher(candidates=self.stored_candidates, scorer=self.scorer, rome=self.rome)

    @cached_property
    def what_if(self) -> WhatIfAnalyzer:
        from scoring.whatif import WhatIfAnalyzer, lexical_counter

        return WhatIfAnalyzer(count=lexical_counter(self.lexical), scorer=self.scorer)

    @cached_property
    def match_scoring(self) -> MatchScoring:
        """Scoring as the agent's tools use it (ids in, verified facts out)."""
        from services.match_scoring import MatchScoring

        return MatchScoring(self.scorer, self.offers, self.gazetteer, self.taxonomy, analyzer=self.what_if)

    @cached_property
    def offer_details(self) -> HttpOfferDetails | RepositoryOfferDetails:
        """The offer-details API when ``offers_api_url`` is set, the local store otherwise."""
        from services.offer_details import HttpOfferDetails, RepositoryOfferDetails

        url = self.settings.offers_api_url
        return HttpOfferDetails(url) if url else RepositoryOfferDetails(self.offers)

    @cached_property
    def pipeline(self) -> IndexingPipeline:
        from ingestion.offers.france_travail import FranceTravailNormalizer
        from ingestion.pipeline import IndexingPipeline

        tax = self.taxonomy
        normalizer = FranceTravailNormalizer(
            normalize_skill=tax.normalize,
            extract_skills=lambda text: [(m.key, tax.label(m.key)) for m in tax.extract(text)],
            department_of_postcode=self.gazetteer.department_of_postcode,
        )
        return IndexingPipeline(repository=self.offers, normalizer=normalizer, indexer=self.indexer("offers"))

    @cached_property
    def candidate_ingestion(self) -> CandidateIngestion:
        from ingestion.candidates import CandidateIngestion

        return CandidateIngestion(
            repository=self.candidates,
            indexer=self.indexer("candidates"),
            files_dir=self.settings.data_dir / "cvs",
        )

    def sync(self) -> list[SyncReport]:
        """Reconcile every collection's indexes with SQL."""
        return [self.indexer(c).sync() for c in COLLECTIONS]

    def close(self) -> None:
        for idx in self._indexes.values():
            idx.lexical.close()
        self.db.dispose()


def build_engine(settings: Settings, *, rebuild_indexes: bool = False) -> Engine:
    """Open (creating when missing) the store; indexes open lazily per collection.

    Args:
        rebuild_indexes: drop the derived indexes first (the SQL store is kept); follow with a sync.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    compiled.configure(settings.cache_dir / "referentials")
    db = Database(settings.resolved_database_url)
    db.create_schema()
    embedder = create_embedder(
        settings.embedding_model, cache=compiled.CompiledCache(settings.cache_dir / "models")
    )
    engine = Engine(settings, db, embedder, rebuild_indexes=rebuild_indexes)
    engine.indexes("offers")  # fail fast on a model mismatch
    return engine
