"""The composition root: every live service of one data directory, built once from ``Settings``.

``build_engine(settings)`` opens the store and returns an ``Engine`` whose properties build each service on
first use (search, scoring, matching, ingestion). It is the only place services are wired: the edges (CLI,
API, UI, LangGraph server, evals) call it, and ``app.agent`` turns it into the agent's runtime context.
Services themselves receive narrow dependencies, never the ``Engine``.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import Settings
from domain.documents import Collection
from domain.errors import BassinError, ConfigurationError
from referentials import compiled
from referentials.geo import Gazetteer, default_gazetteer
from referentials.occupation import default_occupations
from referentials.taxonomy import RomeReferential, SkillTaxonomy, default_rome, default_skill_taxonomy
from retrieval.embeddings import EmbeddingProvider, create_embedder
from retrieval.hybrid import FusionConfig, HybridSearcher
from retrieval.hybrid.searcher import JointRetriever
from retrieval.lexical.base import LexicalBackend
from retrieval.query.understanding import QueryInterpreter
from retrieval.vector import FaissVectorIndex, VectorBackend
from scoring.scorer import MatchScorer
from services.mobility import CareerChangeAdvisor, OccupationMobility
from services.occupation_reading import UNSURE, kind_of_job, read_occupation
from services.offer_search import OfferSearchService
from services.ranking import OfferRanker
from services.requests import RequestBuilder
from store import Database, OfferRepository
from store.candidates import CandidateRepository

if TYPE_CHECKING:  # what only writes, matching or the agent use: imported by the property that builds it
    from elasticsearch import Elasticsearch

    from ingestion.candidates import CandidateIngestion
    from ingestion.erasure import ErasureReport, PersonErasure
    from ingestion.france_travail.metrics import SyncMetrics
    from ingestion.france_travail.sync import FranceTravailSync
    from ingestion.indexer import CollectionIndexer, SyncReport
    from ingestion.pipeline import IndexingPipeline
    from scoring.matcher import CandidateMatcher
    from scoring.whatif import WhatIfAnalyzer
    from services.candidate_search import CandidateSearchService, StoredCandidateSearch
    from services.crosslingual import AppellationVectors, CrossLingualOccupations
    from services.match_scoring import MatchScoring
    from services.offer_details import HttpOfferDetails, RepositoryOfferDetails
    from services.utterance import UtteranceReader

COLLECTIONS: tuple[Collection, ...] = ("offers", "candidates")
TITLE_CONFIDENCE = 0.3
TITLE_NAMED = 0.75
"""A candidate's title naming a ROME appellation this well (``find_codes``) is of that appellation's code."""
"""A candidate title read with less confidence than this has no occupation (kept by recruiter searches)."""


def index_dir(data_dir: Path, collection: str, kind: str) -> Path:
    return data_dir / "indexes" / collection / kind


def connect_es(settings: Settings) -> Elasticsearch:
    """A checked client for ``BASSIN_ELASTICSEARCH_URL`` (see ``connect_elasticsearch``)."""
    from retrieval.lexical.elastic import connect_elasticsearch

    if not settings.elasticsearch_url:
        raise ConfigurationError(
            "BASSIN_VECTOR_BACKEND=elasticsearch demande BASSIN_ELASTICSEARCH_URL. "
            "/ BASSIN_VECTOR_BACKEND=elasticsearch needs BASSIN_ELASTICSEARCH_URL."
        )
    return connect_elasticsearch(
        settings.elasticsearch_url,
        api_key=settings.elasticsearch_api_key.get_secret_value() if settings.elasticsearch_api_key else None,
        username=settings.elasticsearch_username,
        password=settings.elasticsearch_password.get_secret_value()
        if settings.elasticsearch_password
        else None,
        ca_certs=str(settings.elasticsearch_ca_certs) if settings.elasticsearch_ca_certs else None,
    )


def open_lexical(
    settings: Settings, collection: str, client: Callable[[], Elasticsearch] | None = None
) -> LexicalBackend:
    """The lexical backend chosen by settings: Elasticsearch when a URL is set, tantivy otherwise."""
    if settings.effective_lexical_backend == "elasticsearch":
        from retrieval.lexical.elastic import ElasticsearchBackend

        es = client() if client is not None else connect_es(settings)
        return ElasticsearchBackend(es, collection, index_prefix=settings.elasticsearch_index_prefix)
    from retrieval.lexical.tantivy_backend import TantivyBackend

    return TantivyBackend(index_dir(settings.data_dir, collection, "tantivy"), collection)


@dataclass
class Indexes:
    """The derived indexes of one collection."""

    vectors: VectorBackend
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
        self._es: Elasticsearch | None = None
        self.offers = OfferRepository(db)
        self.candidates = CandidateRepository(db)

    def es_client(self) -> Elasticsearch:
        """One Elasticsearch client per engine, shared by the lexical and vector indexes."""
        if self._es is None:
            self._es = connect_es(self.settings)
        return self._es

    def indexes(self, collection: Collection) -> Indexes:
        """Open (or create) a collection's vector and lexical indexes, once."""
        if collection not in self._indexes:
            vectors = self._open_vectors(collection)
            lexical = open_lexical(self.settings, collection, self.es_client)
            if self._rebuild:
                lexical.clear()
            self._indexes[collection] = Indexes(vectors, lexical)
        return self._indexes[collection]

    def _open_vectors(self, collection: Collection) -> VectorBackend:
        """The vector backend chosen by ``BASSIN_VECTOR_BACKEND``."""
        s = self.settings
        model_id, dim = self.embedder.model_id, self.embedder.dim
        if s.vector_backend == "elasticsearch":
            from retrieval.vector.elastic_vectors import ElasticsearchVectorIndex

            return ElasticsearchVectorIndex(
                self.es_client(),
                collection,
                model_id=model_id,
                dim=dim,
                index_prefix=s.elasticsearch_index_prefix,
                recreate=self._rebuild,
            )
        if s.vector_backend == "pgvector":
            from retrieval.vector.pgvector_index import PgVectorIndex

            return PgVectorIndex(
                self.db.engine, collection, model_id=model_id, dim=dim, recreate=self._rebuild
            )
        faiss_dir = index_dir(s.data_dir, collection, "faiss")
        if self._rebuild and faiss_dir.exists():
            shutil.rmtree(faiss_dir)
        return FaissVectorIndex.open(
            faiss_dir, model_id=model_id, dim=dim, exact_threshold=s.vector_exact_threshold
        )

    @property
    def vectors(self) -> VectorBackend:
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
    def occupations(self) -> CrossLingualOccupations:
        """The occupation classifier, with the embedder's nearest ROME appellations for English text."""
        from services.crosslingual import CrossLingualOccupations, french_word_of
        from services.utterance import job_title_words

        return CrossLingualOccupations(
            default_occupations(),
            embedder=lambda: self.embedder,
            vectors=self._appellation_vectors,
            label_of=self.rome.label,
            french_word=french_word_of(job_title_words(self.rome), self.taxonomy),
        )

    def _appellation_vectors(self) -> AppellationVectors:
        """Shipped for the default model; another model embeds the 13k appellations once (cached)."""
        from referentials.taxonomy.data import DEFAULT_REFERENTIALS_DIR
        from services.crosslingual import AppellationVectors, vectors_path

        model_id = str(getattr(self.embedder, "model_id", self.settings.embedding_model))
        shipped = vectors_path(DEFAULT_REFERENTIALS_DIR / "rome", model_id)
        if shipped.exists():
            return AppellationVectors.load(shipped)
        cache = compiled.CompiledCache(self.settings.cache_dir / "models")
        pairs = [(code, title) for code in self.rome.codes() for title in self.rome.appellations(code)]
        return cache.get(
            "appellation-vectors",
            lambda: AppellationVectors.build(pairs, self.embedder, model_id),
            code=[Path(__file__).resolve().parents[1] / "services" / "crosslingual.py"],
            extra=model_id,
        )

    @cached_property
    def interpreter(self) -> QueryInterpreter:
        return QueryInterpreter(self.gazetteer)

    @cached_property
    def reader(self) -> UtteranceReader:
        """The agent's reading of a message, for ``bassin search``'s natural-language text too."""
        from services.utterance import UtteranceReader, job_title_words

        return UtteranceReader(self.gazetteer, self.taxonomy, job_words=job_title_words(self.rome))

    def _searcher(self, collection: Collection) -> HybridSearcher:
        s = self.settings
        idx = self.indexes(collection)
        return HybridSearcher(
            lexical=idx.lexical,
            vectors=idx.vectors,
            embedder=lambda: self.embedder,
            fusion=FusionConfig(method=s.fusion, lexical_weight=s.fusion_lexical_weight, rrf_k=s.rrf_k),
            joint=self._joint_retriever(idx),
        )

    def _joint_retriever(self, idx: Indexes) -> JointRetriever | None:
        """Lexical and vector search in one ``msearch`` when both live in Elasticsearch."""
        s = self.settings
        if s.effective_lexical_backend != "elasticsearch" or s.vector_backend != "elasticsearch":
            return None
        from retrieval.lexical.elastic import ElasticsearchBackend
        from retrieval.vector.elastic_vectors import ElasticsearchVectorIndex

        if isinstance(idx.lexical, ElasticsearchBackend) and isinstance(
            idx.vectors, ElasticsearchVectorIndex
        ):
            from retrieval.hybrid.elastic_hybrid import ElasticHybridRetriever

            return ElasticHybridRetriever(self.es_client(), idx.lexical, idx.vectors)
        return None

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
            department_centre=self._department_centre,
        )

    def _department_centre(self, code: str) -> tuple[float, float] | None:
        """Where a département lies (the gazetteer's centre), None when the code names none."""
        try:
            place = self.gazetteer.resolve(code)
        except BassinError:
            return None
        return (place.lat, place.lon) if place.kind == "departement" else None

    @cached_property
    def candidate_search(self) -> CandidateSearchService:
        from services.candidate_ranking import CandidateRanker
        from services.candidate_search import CandidateSearchService, stored_cv

        files_dir = self.settings.data_dir / "cvs"

        def title_codes(title: str) -> list[str]:
            """Likely ROME codes of a candidate's title; none when the reading is too unsure. A title that
            names a ROME appellation well is of its code (« Maçonne qualifiée » is a mason, whatever the
            classifier, which has seen few feminine titles, guesses), with the likely codes of its family;
            so is a title the occupation reader is sure of (an English one in its French words: "SOUS CHEF"
            is « second de cuisine », "Substitute Teacher" a teacher)."""
            read = read_occupation(title, self.rome, self.occupations)
            if (
                read.codes and read.confidence >= UNSURE
            ):  # sure, or its French words are ("Substitute Teacher")
                return list(read.codes[:3])
            found = self.rome.find_codes(title, limit=1)
            guesses = self.occupations.classify(title, k=3)
            if found and found[0][2] >= TITLE_NAMED:
                code = found[0][0]
                same = [
                    g.code
                    for g in guesses
                    if g.code[:3] == code[:3] and g.code != code and g.confidence >= TITLE_CONFIDENCE / 2
                ]
                return [code, *same]
            if not guesses or guesses[0].confidence < TITLE_CONFIDENCE:
                return []
            return [g.code for g in guesses if g.confidence >= TITLE_CONFIDENCE / 2]

        return CandidateSearchService(
            searcher=self._searcher("candidates"),
            repository=self.candidates,
            interpreter=self.interpreter,
            occupation_of=lambda text: read_occupation(text, self.rome, self.occupations),
            kind_of_job=lambda text: kind_of_job(text, self.rome),
            title_codes=title_codes,
            ranker=CandidateRanker(
                scorer=self.scorer,
                taxonomy=self.taxonomy,
                rome=self.rome,
                parsed=lambda row: stored_cv(row, files_dir),
            ),
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
    def careers(self) -> CareerChangeAdvisor:
        """Occupations close to a former job, by the skills of the stored offers (built on first use)."""
        mobility = OccupationMobility(self.offers, self.rome.label, self.taxonomy.label)
        return CareerChangeAdvisor(mobility, lambda text: read_occupation(text, self.rome, self.occupations))

    @cached_property
    def requests(self) -> RequestBuilder:
        """The one request builder (CLI flags, tool arguments, a CV's profile → text + hard filters)."""
        return RequestBuilder(self.gazetteer, self.taxonomy)

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

        return MatchScoring(
            self.scorer,
            self.offers,
            self.gazetteer,
            self.taxonomy,
            analyzer=self.what_if,
            ranker=self.offer_search.ranker,
        )

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

    def france_travail(self, *, metrics: SyncMetrics | None = None) -> FranceTravailSync:
        """The France Travail connector over this engine's pipeline (credentials from settings)."""
        from ingestion.france_travail.checkpoint import CheckpointStore
        from ingestion.france_travail.client import ApiConfig, FranceTravailClient
        from ingestion.france_travail.sync import FranceTravailSync
        from store.match_cache import invalidate_offers

        s = self.settings
        if not s.ft_client_id or s.ft_client_secret is None:
            raise ConfigurationError(
                "Identifiants France Travail manquants : définissez BASSIN_FT_CLIENT_ID et "
                "BASSIN_FT_CLIENT_SECRET (https://francetravail.io). / France Travail credentials missing."
            )
        config = ApiConfig(
            client_id=s.ft_client_id,
            client_secret=s.ft_client_secret,
            api_url=s.ft_api_url,
            token_url=s.ft_token_url,
            scope=s.ft_scope,
            rate_per_second=s.ft_rate_per_second,
            max_retries=s.ft_max_retries,
            timeout_s=s.ft_timeout_s,
            page_size=s.ft_page_size,
            max_start=s.ft_max_start,
            backoff_base_s=s.ft_backoff_base_s,
        )
        return FranceTravailSync(
            lambda: FranceTravailClient(config),
            self.pipeline,
            self.offers,
            CheckpointStore(s.data_dir / "france_travail" / "checkpoint.json"),
            invalidate_matches=lambda ids: invalidate_offers(self.db, ids),
            metrics=metrics,
            recheck_after=timedelta(days=s.ft_recheck_after_days),
            recheck_limit=s.ft_recheck_limit,
        )

    @cached_property
    def candidate_ingestion(self) -> CandidateIngestion:
        from ingestion.candidates import CandidateIngestion

        return CandidateIngestion(
            repository=self.candidates,
            indexer=self.indexer("candidates"),
            files_dir=self.settings.data_dir / "cvs",
        )

    @cached_property
    def erasure(self) -> PersonErasure:
        from agent.memory import CHECKPOINT_FILE
        from ingestion.erasure import PersonErasure

        d = self.settings.data_dir
        return PersonErasure(
            db=self.db,
            repository=self.candidates,
            indexer=lambda: self.indexer("candidates"),
            data_dir=d,
            cvs_dir=d / "cvs",
            uploads_dir=d / "uploads",
            checkpoint_file=d / CHECKPOINT_FILE,
        )

    def forget(self, candidate_id: str) -> ErasureReport:
        """Erase a candidate everywhere (SQL, indexes, files, chat history, agent memory, logs)."""
        return self.erasure.forget(candidate_id)

    def sync(self) -> list[SyncReport]:
        """Reconcile every collection's indexes with SQL."""
        return [self.indexer(c).sync() for c in COLLECTIONS]

    def sweep_cv_files(self) -> list[str]:
        """Remove CV files an interrupted ingestion left behind (``*.tmp``, files with no candidate row)."""
        return self.candidate_ingestion.sweep_files()

    def warm(self) -> None:
        """Load what a search reads (referentials, models, indexes) by running one, then keep those
        long-lived objects out of the garbage collector's full passes (``gc.freeze``): a full pass over
        the millions of objects of the referentials took ~200 ms, landing on whichever search triggered
        it (the ranked search's p95 at 100k offers). A server calls it once, at startup."""
        self.offer_search.search("aide-soignant à Lyon", top_k=1)
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        for idx in self._indexes.values():
            idx.lexical.close()
            idx.vectors.close()
        if self._es is not None:
            self._es.close()
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
