"""Build the ROME appellation vectors the cross-lingual occupation reader ships with (``services/crosslingual.py``).

    python -m offline.appellation_vectors      # ~30 s on 2 cores (13,120 appellations, USE-multilingual)

Writes ``data/referentials/rome/appellation_vectors.<model>.npz`` (int8 unit vectors + per-row scales, codes,
labels). Re-run when the ROME referential or the default embedding model changes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from referentials.taxonomy import default_rome
from referentials.taxonomy.data import DEFAULT_REFERENTIALS_DIR
from retrieval.embeddings.use import UseMultilingualEmbedder
from services.crosslingual import AppellationVectors, vectors_path


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    rome = default_rome()
    pairs = [(code, title) for code in rome.codes() for title in rome.appellations(code)]
    embedder = UseMultilingualEmbedder()
    start = time.perf_counter()
    vectors = AppellationVectors.build(pairs, embedder, embedder.model_id)
    path = vectors_path(DEFAULT_REFERENTIALS_DIR / "rome", embedder.model_id)
    vectors.save(path)
    took = time.perf_counter() - start
    print(f"{len(pairs)} appellations → {path} ({path.stat().st_size / 1e6:.1f} MB, {took:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
