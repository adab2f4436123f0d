"""Vector search: the persisted FAISS index of a collection and its attribute table for filtering."""

from retrieval.vector.attributes import AttributeTable
from retrieval.vector.base import VectorHit
from retrieval.vector.faiss_index import FaissVectorIndex

__all__ = ["AttributeTable", "FaissVectorIndex", "VectorHit"]
