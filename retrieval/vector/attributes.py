"""Columnar mirror of the filterable fields of indexed documents, for vectorised pre-filtering.

One row per indexed document, in insertion order; ``upsert`` and ``remove`` leave dead rows
(tombstones) that ``compact`` drops. Rows line up with the vector matrix of ``FaissVectorIndex``.
Filtering a million rows is a handful of numpy passes (a few ms) and returns exactly the set
``domain.filters.matches`` accepts.

Column encodings:
    keyword fields (skills, contract, rome, department, languages): ``KeywordColumn``
    (vocabulary + (row, code) entries + lazy posting lists);
    remote: int8 (1 True, 0 False, -1 unknown);
    experience_months, lat, lon: float64 with NaN for unknown (every comparison with NaN fails,
    as ``matches`` rejects documents lacking a filtered field);
    published: int32 ``date.toordinal()``, 0 for unknown;
    content_hash: fixed-width bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import BinaryIO

import numpy as np

from domain.documents import IndexDocument
from domain.filters import EARTH_RADIUS_KM, haversine_km
from domain.search import GeoFilter, SearchFilters
from retrieval.vector.keywords import KeywordColumn

KEYWORD_FIELDS: tuple[str, ...] = ("skills", "contract", "rome", "department", "languages")
_SCALARS: dict[str, tuple[type[np.generic], float]] = {
    "remote": (np.int8, -1),
    "experience": (np.float64, math.nan),
    "published": (np.int32, 0),
    "lat": (np.float64, math.nan),
    "lon": (np.float64, math.nan),
    # Derived from lat/lon, not saved: lon wrapped to [-180, 180) for box tests, and the point on
    # the unit sphere, whose dot product with the centre's gives the distance without trigonometry.
    "lon_box": (np.float64, math.nan),
    "ux": (np.float64, math.nan),
    "uy": (np.float64, math.nan),
    "uz": (np.float64, math.nan),
}
_DERIVED = ("lon_box", "ux", "uy", "uz")
_FORMAT = 1
# Distances this close to the radius are re-checked with the reference formula, so that numpy's
# transcendental functions (last-bit differences with ``math``) never flip a boundary document.
_BOUNDARY_KM = 1e-6
# Half-width (radians, about 6 m) of the ring around the circle where the dot-product test defers
# to the haversine formula; far above the dot product's rounding error (~1e-8 rad near 0).
_BAND_RAD = 1e-6
# Conservative margin of the bounding box, in degrees (about 1 cm).
_BOX_MARGIN_DEG = 1e-7


class AttributeTable:
    """The filterable fields of every indexed document, as numpy columns.

    Example:
        >>> table = AttributeTable()
        >>> rows = table.append([doc_a, doc_b])
        >>> table.filter_mask(SearchFilters(contracts=["CDI"]))
        array([12])
    """

    def __init__(self) -> None:
        self._n = 0
        self._doc_ids = np.empty(0, dtype=np.int64)
        self._alive = np.empty(0, dtype=bool)
        self._hashes = np.empty(0, dtype="S1")
        self._scalars = {name: np.empty(0, dtype=dtype) for name, (dtype, _) in _SCALARS.items()}
        self._keywords = {name: KeywordColumn() for name in KEYWORD_FIELDS}
        # Alive doc ids, sorted, and their rows: id -> row lookups by binary search.
        self._sorted_ids = np.empty(0, dtype=np.int64)
        self._sorted_rows = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return int(self._sorted_ids.size)

    @property
    def n_rows(self) -> int:
        """Rows held, dead ones included."""
        return self._n

    @property
    def dead_rows(self) -> int:
        """Rows removed or replaced since the last ``compact``."""
        return self._n - len(self)

    def alive_rows(self) -> np.ndarray:
        """Rows of the indexed documents (increasing)."""
        return np.flatnonzero(self._alive[: self._n])

    def ids(self) -> np.ndarray:
        """Alive doc ids, sorted (a copy)."""
        return self._sorted_ids.copy()

    def doc_ids_at(self, rows: np.ndarray) -> np.ndarray:
        """Doc ids of the given rows."""
        return self._doc_ids[rows]

    def rows_of(self, doc_ids: np.ndarray) -> np.ndarray:
        """Rows of the given doc ids, -1 for ids not indexed."""
        ids = np.asarray(doc_ids, dtype=np.int64).reshape(-1)
        if self._sorted_ids.size == 0:
            return np.full(ids.size, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._sorted_ids, ids), self._sorted_ids.size - 1)
        found = self._sorted_ids[pos] == ids
        return np.where(found, self._sorted_rows[pos], -1)

    def hashes(self) -> dict[int, str]:
        """doc id -> content hash of every alive row."""
        hashes: list[bytes] = self._hashes[self._sorted_rows].tolist()
        return {doc_id: h.decode() for doc_id, h in zip(self._sorted_ids.tolist(), hashes, strict=True)}

    def append(self, docs: Sequence[IndexDocument]) -> np.ndarray:
        """Add new rows for ``docs`` (ids not already alive, no duplicates); returns their rows."""
        ids = np.fromiter((d.doc_id for d in docs), dtype=np.int64, count=len(docs))
        if np.unique(ids).size != ids.size or (self.rows_of(ids) >= 0).any():
            raise ValueError("append() needs doc ids that are new and distinct")
        start, end = self._n, self._n + len(docs)
        self._reserve(end)
        self._doc_ids[start:end] = ids
        self._alive[start:end] = True
        encoded = [d.content_hash.encode() for d in docs]
        width = max((len(h) for h in encoded), default=1)
        if width > self._hashes.dtype.itemsize:
            self._hashes = self._hashes.astype(f"S{width}")
        self._hashes[start:end] = encoded
        columns = self._scalars
        columns["remote"][start:end] = [-1 if d.remote is None else int(d.remote) for d in docs]
        columns["experience"][start:end] = [
            math.nan if d.experience_months is None else d.experience_months for d in docs
        ]
        columns["published"][start:end] = [
            0 if d.published is None else d.published.toordinal() for d in docs
        ]
        columns["lat"][start:end] = [math.nan if d.lat is None else d.lat for d in docs]
        columns["lon"][start:end] = [math.nan if d.lon is None else d.lon for d in docs]
        self._derive(start, end)
        for name, column in self._keywords.items():
            column.append((getattr(d, name) for d in docs), first_row=start)
        self._n = end
        rows = np.arange(start, end, dtype=np.int64)
        self._index_rows(ids, rows)
        return rows

    def remove(self, doc_ids: np.ndarray) -> np.ndarray:
        """Tombstone the rows of ``doc_ids`` (unknown ids ignored); returns the ids removed."""
        ids = np.unique(np.asarray(doc_ids, dtype=np.int64))
        rows = self.rows_of(ids)
        known = rows >= 0
        if not known.any():
            return np.empty(0, dtype=np.int64)
        self._alive[rows[known]] = False
        at = np.searchsorted(self._sorted_ids, ids[known])
        self._sorted_ids = np.delete(self._sorted_ids, at)
        self._sorted_rows = np.delete(self._sorted_rows, at)
        return ids[known]

    def compact(self) -> np.ndarray:
        """Drop dead rows; returns the old rows kept, in their new order (increasing)."""
        n = self._n
        alive = self._alive[:n]
        keep = np.flatnonzero(alive)
        new_row = np.full(n, -1, dtype=np.int64)
        new_row[keep] = np.arange(keep.size)
        self._doc_ids = self._doc_ids[keep]
        self._alive = np.ones(keep.size, dtype=bool)
        self._hashes = self._hashes[keep]
        self._scalars = {name: column[keep] for name, column in self._scalars.items()}
        for column in self._keywords.values():
            column.compact(alive, new_row)
        self._sorted_rows = new_row[self._sorted_rows]
        self._n = int(keep.size)
        return keep

    def filter_mask(self, filters: SearchFilters) -> np.ndarray:
        """Doc ids (int64, in no particular order) of the documents satisfying ``filters``."""
        return self._doc_ids[self.allowed_rows(filters)]

    def allowed_rows(self, filters: SearchFilters) -> np.ndarray:
        """Alive rows (no particular order) whose document satisfies ``filters``, as ``matches`` decides."""
        f = filters
        cand = _Candidates(self._alive[: self._n].copy())
        for field, terms in (("skills", f.skills), ("languages", f.languages)):
            for term in terms:  # all required
                cand.keep_marked(self._marks(field, [term]))
        for field, terms in (("rome", f.rome), ("department", f.departments), ("contract", f.contracts)):
            if terms:  # any of
                cand.keep_marked(self._marks(field, terms))
        if f.exclude_contracts:
            cand.drop_marked(self._marks("contract", f.exclude_contracts))
        col = self._scalars
        lo, hi = f.experience_min_months, f.experience_max_months
        if lo is not None:
            cand.keep(col["experience"], lambda v: v >= lo)
        if hi is not None:
            cand.keep(col["experience"], lambda v: v <= hi)
        if f.remote is True:
            cand.keep(col["remote"], lambda v: v == 1)
        elif f.remote is False:
            cand.keep(col["remote"], lambda v: v != 1)
        if f.published_since is not None:
            since = f.published_since.toordinal()
            cand.keep(col["published"], lambda v: v >= since)
        if f.geo is not None:
            self._keep_within(cand, f.geo)
        return cand.to_rows()

    def _derive(self, start: int, end: int) -> None:
        columns = self._scalars
        lat, lon = np.radians(columns["lat"][start:end]), np.radians(columns["lon"][start:end])
        columns["lon_box"][start:end] = (columns["lon"][start:end] + 180.0) % 360.0 - 180.0
        columns["ux"][start:end] = np.cos(lat) * np.cos(lon)
        columns["uy"][start:end] = np.cos(lat) * np.sin(lon)
        columns["uz"][start:end] = np.sin(lat)

    def _marks(self, field: str, terms: Sequence[str]) -> np.ndarray:
        marks = np.zeros(self._n, dtype=bool)
        self._keywords[field].mark_any(terms, marks)
        return marks

    def _keep_within(self, cand: _Candidates, geo: GeoFilter) -> None:
        lat, lon = self._scalars["lat"], self._scalars["lon"]
        # Great-circle distance >= latitude difference: the latitude band is exact and cheap.
        angle = geo.radius_km / EARTH_RADIUS_KM
        dlat = math.degrees(angle) + _BOX_MARGIN_DEG
        lat_lo, lat_hi = geo.lat - dlat, geo.lat + dlat
        cand.keep(lat, lambda v: (v >= lat_lo) & (v <= lat_hi))
        # Widest longitude offset of the circle, asin(sin δ / cos φ); the whole band near a pole.
        # (``filters.bounding_box`` uses δ / cos φ, slightly too narrow for an exact pre-filter.)
        if lat_hi < 90.0 and lat_lo > -90.0:
            ratio = math.sin(angle) / math.cos(math.radians(geo.lat))
            if ratio < 1.0:
                dlon = math.degrees(math.asin(ratio)) * (1 + 1e-9) + _BOX_MARGIN_DEG
                if dlon < 180.0:
                    cand.keep(self._scalars["lon_box"], _lon_range(geo.lon - dlon, geo.lon + dlon))
        rows = cand.to_rows()
        # cos(angle) = dot product of unit vectors; only rows within a hair of the circle (where
        # float rounding could disagree with the reference formula) take the haversine route.
        p, q = math.radians(geo.lat), math.radians(geo.lon)
        col = self._scalars
        dot = col["ux"][rows] * (math.cos(p) * math.cos(q))
        dot += col["uy"][rows] * (math.cos(p) * math.sin(q))
        dot += col["uz"][rows] * math.sin(p)
        hair = max(angle * 1e-6, _BAND_RAD)
        inside = dot >= math.cos(max(0.0, angle - hair))
        in_band = dot >= math.cos(min(math.pi, angle + hair))
        in_band &= ~inside
        if np.count_nonzero(in_band):  # usually none: skip the index array
            band = np.flatnonzero(in_band)
            d = _haversine_km(geo.lat, geo.lon, lat[rows[band]], lon[rows[band]])
            inside[band] = d <= geo.radius_km
            for i in np.flatnonzero(np.abs(d - geo.radius_km) <= _BOUNDARY_KM).tolist():
                ref = haversine_km(geo.lat, geo.lon, float(lat[rows[band[i]]]), float(lon[rows[band[i]]]))
                inside[band[i]] = ref <= geo.radius_km
        cand.rows = rows[inside]

    def save(self, fh: BinaryIO) -> None:
        """Write the table (compact it first: dead rows are written too) as an uncompressed npz."""
        n = self._n
        arrays: dict[str, np.ndarray] = {
            "format": np.array([_FORMAT]),
            "doc_ids": self._doc_ids[:n],
            "alive": self._alive[:n],
            "hashes": self._hashes[:n],
        }
        arrays.update(
            {f"col_{name}": column[:n] for name, column in self._scalars.items() if name not in _DERIVED}
        )
        for name, kw in self._keywords.items():
            arrays[f"kw_{name}_terms"] = np.array(kw.terms, dtype=str)
            arrays[f"kw_{name}_rows"] = kw.rows
            arrays[f"kw_{name}_codes"] = kw.codes
        np.savez(fh, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, source: str | BinaryIO) -> AttributeTable:
        """Read a table written by ``save``. Raises ValueError/KeyError/OSError on a bad file."""
        table = cls()
        with np.load(source, allow_pickle=False) as data:
            if int(data["format"][0]) != _FORMAT:
                raise ValueError(f"unknown attribute table format {int(data['format'][0])}")
            table._doc_ids = np.ascontiguousarray(data["doc_ids"], dtype=np.int64)
            n = table._n = int(table._doc_ids.size)
            table._alive = np.ascontiguousarray(data["alive"], dtype=bool)
            table._hashes = data["hashes"]
            if table._hashes.dtype.kind != "S":
                raise ValueError("content hashes are not bytes")
            for name, (dtype, fill) in _SCALARS.items():
                if name in _DERIVED:
                    table._scalars[name] = np.full(n, fill, dtype=dtype)
                else:
                    table._scalars[name] = np.ascontiguousarray(data[f"col_{name}"], dtype=dtype)
            for name in KEYWORD_FIELDS:
                column = KeywordColumn(
                    [str(t) for t in data[f"kw_{name}_terms"]],
                    data[f"kw_{name}_rows"],
                    data[f"kw_{name}_codes"],
                )
                if column.rows.size and (column.rows.min() < 0 or column.rows.max() >= n):
                    raise ValueError(f"{name}: row outside the table")
                table._keywords[name] = column
        columns = [table._alive, table._hashes, *table._scalars.values()]
        if any(column.shape != (n,) for column in columns):
            raise ValueError("attribute columns differ in length")
        table._derive(0, n)
        for column in table._keywords.values():
            column.prepare()
        rows = np.flatnonzero(table._alive)
        order = np.argsort(table._doc_ids[rows], kind="stable")
        table._sorted_rows = rows[order]
        table._sorted_ids = table._doc_ids[table._sorted_rows]
        if np.any(table._sorted_ids[1:] == table._sorted_ids[:-1]):
            raise ValueError("duplicate doc ids")
        return table

    def _reserve(self, size: int) -> None:
        capacity = self._doc_ids.size
        if size <= capacity:
            return
        capacity = max(size, 2 * capacity, 1024)
        n = self._n

        def grown(array: np.ndarray, fill: float | bool | bytes = 0) -> np.ndarray:
            out = np.full(capacity, fill, dtype=array.dtype)
            out[:n] = array[:n]
            return out

        self._doc_ids = grown(self._doc_ids)
        self._alive = grown(self._alive, False)
        self._hashes = grown(self._hashes, b"")
        self._scalars = {name: grown(self._scalars[name], fill) for name, (_, fill) in _SCALARS.items()}

    def _index_rows(self, ids: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(ids)
        ids, rows = ids[order], rows[order]
        at = np.searchsorted(self._sorted_ids, ids)
        self._sorted_ids = np.insert(self._sorted_ids, at, ids)
        self._sorted_rows = np.insert(self._sorted_rows, at, rows)


class _Candidates:
    """Rows still passing: a boolean mask while most rows pass, then an index array."""

    def __init__(self, mask: np.ndarray) -> None:
        self.mask: np.ndarray | None = mask
        self.rows: np.ndarray | None = None

    def keep_marked(self, marks: np.ndarray) -> None:
        """Keep the rows whose ``marks`` entry is True."""
        if self.mask is not None:
            self.mask &= marks
            self._maybe_sparse()
        else:
            assert self.rows is not None
            self.rows = self.rows[marks[self.rows]]

    def drop_marked(self, marks: np.ndarray) -> None:
        """Drop the rows whose ``marks`` entry is True."""
        if self.mask is not None:
            self.mask &= ~marks
        else:
            assert self.rows is not None
            self.rows = self.rows[~marks[self.rows]]

    def keep(self, column: np.ndarray, predicate: Callable[[np.ndarray], np.ndarray]) -> None:
        """Keep the rows whose ``column`` value satisfies the vectorised ``predicate``."""
        if self.mask is not None:
            self.mask &= predicate(column[: self.mask.size])
            self._maybe_sparse()
        else:
            assert self.rows is not None
            self.rows = self.rows[predicate(column[self.rows])]

    def to_rows(self) -> np.ndarray:
        if self.mask is not None:
            self.rows, self.mask = np.flatnonzero(self.mask), None
        assert self.rows is not None
        return self.rows

    def _maybe_sparse(self) -> None:
        # Below 1/16 of the rows, gathering the few candidates beats full-column passes.
        assert self.mask is not None
        if np.count_nonzero(self.mask) * 16 < self.mask.size:
            self.to_rows()


def _lon_range(lo: float, hi: float) -> Callable[[np.ndarray], np.ndarray]:
    """Test of wrapped longitudes (in [-180, 180)) against [lo, hi], which may cross ±180."""
    if lo < -180.0:
        return lambda v: (v >= lo + 360.0) | (v <= hi)
    if hi > 180.0:
        return lambda v: (v >= lo) | (v <= hi - 360.0)
    return lambda v: (v >= lo) & (v <= hi)


def _haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """``domain.filters.haversine_km`` from one point to many, same operations in the same order."""
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result
