"""French places: gazetteer (communes, arrondissements, postcodes, départements, régions) and distances.

Point-to-point distance and bounding boxes live in ``domain.filters`` (``haversine_km``,
``bounding_box``); ``haversine_km_np`` is their vectorised counterpart.
"""

from referentials.geo.distance import haversine_km_np
from referentials.geo.gazetteer import Gazetteer, default_gazetteer
from referentials.geo.place import RADIUS_HINT_KM, Place, PlaceKind

__all__ = ["RADIUS_HINT_KM", "Gazetteer", "Place", "PlaceKind", "default_gazetteer", "haversine_km_np"]
