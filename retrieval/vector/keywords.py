"""One multi-valued keyword field of the attribute table (skills, contracts, ROME codes, ...).

Values are stored as (row, code) pairs in append order, ``code`` indexing a per-field vocabulary.
Posting lists (rows grouped by code) are derived lazily on the first filter after a write, so a
bulk load of many batches sorts the entries once, not once per batch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import numpy as np

_EMPTY_ROWS = np.empty(0, dtype=np.int32)
_EMPTY_POSTINGS = np.empty(0, dtype=np.intp)


class KeywordColumn:
    """Vocabulary + (row, code) entries of one keyword field, with lazily built posting lists.

    Example:
        >>> col = KeywordColumn()
        >>> col.append([("CDI",), ("CDD", "MIS")], first_row=0)
        >>> col.rows_with_any(["MIS"]).tolist()
        [1]
    """

    def __init__(
        self,
        terms: Sequence[str] = (),
        rows: np.ndarray | None = None,
        codes: np.ndarray | None = None,
    ) -> None:
        self.terms: list[str] = list(terms)
        self.vocab: dict[str, int] = {term: code for code, term in enumerate(self.terms)}
        if len(self.vocab) != len(self.terms):
            raise ValueError("duplicate terms in the vocabulary")
        self._rows = np.ascontiguousarray(rows if rows is not None else _EMPTY_ROWS, dtype=np.int32)
        self._codes = np.ascontiguousarray(codes if codes is not None else _EMPTY_ROWS, dtype=np.int32)
        if self._rows.shape != self._codes.shape or self._rows.ndim != 1:
            raise ValueError("keyword rows and codes differ in shape")
        if self._codes.size and (self._codes.min() < 0 or self._codes.max() >= len(self.terms)):
            raise ValueError("keyword code outside the vocabulary")
        self._nnz = int(self._rows.size)
        self._postings: tuple[np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    @property
    def rows(self) -> np.ndarray:
        """Row of each entry (view, append order)."""
        return self._rows[: self._nnz]

    @property
    def codes(self) -> np.ndarray:
        """Vocabulary code of each entry (view, append order)."""
        return self._codes[: self._nnz]

    def append(self, values: Iterable[Sequence[str]], first_row: int) -> None:
        """Add the values of consecutive new rows ``first_row, first_row + 1, ...``."""
        new_rows: list[int] = []
        new_codes: list[int] = []
        vocab = self.vocab
        for offset, row_values in enumerate(values):
            for term in row_values:
                code = vocab.get(term)
                if code is None:
                    code = vocab[term] = len(self.terms)
                    self.terms.append(term)
                new_rows.append(first_row + offset)
                new_codes.append(code)
        if not new_rows:
            return
        end = self._nnz + len(new_rows)
        if end > self._rows.size:
            capacity = max(end, 2 * self._rows.size, 1024)
            self._rows = _grown(self._rows, capacity, self._nnz)
            self._codes = _grown(self._codes, capacity, self._nnz)
        self._rows[self._nnz : end] = new_rows
        self._codes[self._nnz : end] = new_codes
        self._nnz = end
        self._postings = None

    def compact(self, row_alive: np.ndarray, new_row: np.ndarray) -> None:
        """Drop the entries of dead rows and renumber the others (``new_row[old] = new``)."""
        keep = row_alive[self.rows]
        self._rows = np.ascontiguousarray(new_row[self.rows[keep]], dtype=np.int32)
        self._codes = np.ascontiguousarray(self.codes[keep])
        self._nnz = int(self._rows.size)
        self._postings = None

    def rows_with_any(self, terms: Iterable[str]) -> np.ndarray:
        """Rows (dead ones included, possibly repeated) holding at least one of ``terms``."""
        parts = self._posting_slices(terms)
        if not parts:
            return _EMPTY_POSTINGS
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def mark_any(self, terms: Iterable[str], marks: np.ndarray) -> None:
        """Set ``marks[row] = True`` for every row (dead ones included) holding one of ``terms``."""
        for rows in self._posting_slices(terms):
            marks[rows] = True

    def prepare(self) -> None:
        """Build the posting lists now rather than on the first filter."""
        self._posting_lists()

    def _posting_slices(self, terms: Iterable[str]) -> list[np.ndarray]:
        codes = [self.vocab[t] for t in dict.fromkeys(terms) if t in self.vocab]
        if not codes:
            return []
        indptr, post_rows = self._posting_lists()
        return [post_rows[indptr[c] : indptr[c + 1]] for c in codes]

    def _posting_lists(self) -> tuple[np.ndarray, np.ndarray]:
        postings = self._postings
        if postings is not None:
            return postings
        with self._lock:
            if self._postings is None:
                codes = self.codes
                vocab_size = len(self.terms)
                # numpy's stable sort is a radix sort for 16-bit keys: linear time for most fields.
                keys = codes.astype(np.uint16) if vocab_size <= 1 << 16 else codes
                order = np.argsort(keys, kind="stable")
                indptr = np.zeros(vocab_size + 1, dtype=np.int64)
                np.cumsum(np.bincount(codes, minlength=vocab_size), out=indptr[1:])
                # Posting rows are intp: numpy scatters with intp indices without converting them first.
                self._postings = (indptr, self.rows[order].astype(np.intp))
            return self._postings


def _grown(array: np.ndarray, capacity: int, used: int) -> np.ndarray:
    grown = np.empty(capacity, dtype=array.dtype)
    grown[:used] = array[:used]
    return grown
