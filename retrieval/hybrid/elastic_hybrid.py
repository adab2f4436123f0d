"""Hybrid retrieval on Elasticsearch in one round trip: the BM25 query and the filtered kNN in one
``msearch``, fused client-side by ``HybridSearcher`` with the same fusion as the embedded engines.

Why ``msearch`` and not one ``_search`` with ``query`` + ``knn``: a combined search sums BM25 and
vector scores into one score and one ranking, so the per-list ranks and scores that RRF (and
``ScoreParts``) need are lost; the ``rrf`` retriever is a licensed feature the integration-test node
lacks and would fuse differently from FAISS setups. ``msearch`` returns both lists, each exactly as
its own search would, in one HTTP request. A geo filter adds one small request per index first (the
boundary ring, see ``ElasticsearchBackend``).
"""

from __future__ import annotations

import numpy as np
from elasticsearch import Elasticsearch

from domain.search import SearchFilters
from retrieval.lexical.base import LexicalHit
from retrieval.lexical.elastic import ElasticsearchBackend
from retrieval.vector.base import VectorHit
from retrieval.vector.elastic_vectors import ElasticsearchVectorIndex


class ElasticHybridRetriever:
    """Both retrievers of one collection in one ``msearch`` (``JointRetriever`` of ``HybridSearcher``)."""

    def __init__(
        self, client: Elasticsearch, lexical: ElasticsearchBackend, vectors: ElasticsearchVectorIndex
    ) -> None:
        self._client = client
        self.lexical = lexical
        self.vectors = vectors

    def __call__(
        self, text: str, vector: np.ndarray, filters: SearchFilters, depth: int
    ) -> tuple[list[LexicalHit], list[VectorHit]]:
        lexical_body = self.lexical.search_body(text, filters, depth)
        knn_body = self.vectors.knn_body(vector, filters, depth)
        response = self._client.msearch(
            searches=[{"index": self.lexical.alias}, lexical_body, {"index": self.vectors.alias}, knn_body]
        )
        lexical_response, knn_response = response["responses"]
        for part in (lexical_response, knn_response):
            if "error" in part:
                raise RuntimeError(f"Elasticsearch msearch: {part['error']}")
        return (
            ElasticsearchBackend.hits_from(lexical_response, text),
            ElasticsearchVectorIndex.parse_hits(knn_response),
        )
