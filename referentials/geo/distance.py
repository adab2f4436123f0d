"""Vectorised great-circle distances, consistent with ``domain.filters.haversine_km``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from domain.filters import EARTH_RADIUS_KM


def haversine_km_np(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Distances in km from one point to many.

    Args:
        lat: latitude of the origin, degrees.
        lon: longitude of the origin, degrees.
        lats: latitudes of the targets, degrees (any array-like; NaN gives NaN).
        lons: longitudes of the targets, degrees.

    Example:
        >>> haversine_km_np(45.76, 4.84, [45.77, 43.30], [4.88, 5.37]).round()
        array([  3., 277.])
    """
    p1 = np.radians(lat)
    p2 = np.radians(np.asarray(lats, dtype=np.float64))
    dp = p2 - p1
    dl = np.radians(np.asarray(lons, dtype=np.float64) - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
