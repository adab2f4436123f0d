"""Vector search: the persisted FAISS index of a collection and its attribute table for filtering."""

from matching.vector.attributes import AttributeTable
from matching.vector.base import VectorHit
from matching.vector.faiss_index import FaissVectorIndex

__all__ = ["AttributeTable", "FaissVectorIndex", "VectorHit"]
