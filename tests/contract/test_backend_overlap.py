"""The embedded engine and Elasticsearch rank the real offers alike: overlap@10, reported in the test output."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from domain.documents import IndexDocument
from domain.search import GeoFilter, SearchFilters
from retrieval.lexical.elastic import ElasticsearchBackend
from retrieval.lexical.tantivy_backend import TantivyBackend
from tests.conftest import report_line

pytestmark = pytest.mark.integration

QUERIES = [
    "développeur python", "cariste", "aide-soignant", "comptable", "vendeur en boulangerie",
    "chauffeur poids lourd", "infirmier de nuit", "data engineer", "serveur restaurant", "électricien",
    "assistant administratif", "technicien de maintenance", "agent d'entretien", "commercial B2B",
    "préparateur de commandes", "développeur java spring", "auxiliaire de vie", "chef de partie",
    "ingénieur devops kubernetes", "responsable logistique",
]  # fmt: skip
LYON = GeoFilter(label="Lyon", lat=45.764, lon=4.8357, radius_km=40)


def test_overlap_at_10_between_tantivy_and_elasticsearch(
    real_offers: list[IndexDocument], elasticsearch_client: Elasticsearch, tmp_path: Path
) -> None:
    prefix = f"bassin-overlap-{uuid.uuid4().hex[:8]}"
    tantivy = TantivyBackend(tmp_path / "tantivy", "offers")
    es = ElasticsearchBackend(elasticsearch_client, "offers", index_prefix=prefix)
    try:
        for backend in (tantivy, es):
            backend.upsert(real_offers)
            backend.commit()
        overlaps = {}
        for label, filters in (
            ("no filter", SearchFilters()),
            ("CDI + 40 km Lyon", SearchFilters(contracts=["CDI"], geo=LYON)),
        ):
            values = []
            for q in QUERIES:
                a = [h.doc_id for h in tantivy.search(q, filters, 10)]
                b = [h.doc_id for h in es.search(q, filters, 10)]
                if a or b:
                    values.append(len(set(a) & set(b)) / max(len(a), len(b)))
                # the filtering part is identical: the same documents pass the filters
                assert {h.doc_id for h in tantivy.search("", filters, 20_000)} == {
                    h.doc_id for h in es.search("", filters, 20_000)
                }
            overlaps[label] = sum(values) / len(values)
            report_line(
                f"lexical overlap@10 tantivy vs Elasticsearch ({label}, {len(values)} queries): {overlaps[label]:.2f}"
            )
        assert min(overlaps.values()) >= 0.5, overlaps
    finally:
        tantivy.close()
        es.close()
        names = list(elasticsearch_client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
        if names:
            elasticsearch_client.indices.delete(index=",".join(names), ignore_unavailable=True)
