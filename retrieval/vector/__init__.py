"""Vector search behind one contract (``VectorBackend``): FAISS files, Elasticsearch kNN, pgvector."""

from retrieval.vector.attributes import AttributeTable
from retrieval.vector.base import VectorBackend, VectorBackendName, VectorHit
from retrieval.vector.faiss_index import FaissVectorIndex

__all__ = ["AttributeTable", "FaissVectorIndex", "VectorBackend", "VectorBackendName", "VectorHit"]
