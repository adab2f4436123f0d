"""French places: gazetteer (communes, arrondissements, postcodes, départements, régions) and distances.

Point-to-point distance and bounding boxes live in ``matching.filters`` (``haversine_km``,
``bounding_box``); ``haversine_km_np`` is their vectorised counterpart.
"""

from matching.geo.distance import haversine_km_np
from matching.geo.gazetteer import Gazetteer, default_gazetteer
from matching.geo.place import RADIUS_HINT_KM, Place, PlaceKind

__all__ = ["RADIUS_HINT_KM", "Gazetteer", "Place", "PlaceKind", "default_gazetteer", "haversine_km_np"]
