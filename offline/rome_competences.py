"""Build ``data/referentials/rome/competences_fr.tsv.gz``: the ROME 4.0 compétences (savoir-faire,
savoirs) that France Travail offers carry, with their code and how many offers cite them.

    python -m offline.rome_competences ../shared/data/offers/france_travail_offers.jsonl.gz data/referentials

The ROME tables of ``rome/`` list codes and appellations only; the compétence labels come with the offers'
``competences[{code, libelle}]`` (France Travail API, ROME 4.0 vocabulary).
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from offline.taxonomy_build import _clean, _write_gzip

OUTPUT = Path("rome") / "competences_fr.tsv.gz"


def build(offers: Path, directory: Path) -> int:
    """Write the TSV (code, label, offers) sorted by label; returns the number of labels."""
    counts: Counter[str] = Counter()
    codes: dict[str, str] = {}
    with gzip.open(offers, "rt", encoding="utf-8") as fh:
        for line in fh:
            for item in json.loads(line).get("competences") or []:
                label = _clean(str(item.get("libelle") or ""))
                if label:
                    counts[label] += 1
                    codes.setdefault(label, str(item.get("code") or ""))
    rows = ["code\tlabel\toffers", *(f"{codes[label]}\t{label}\t{counts[label]}" for label in sorted(counts))]
    _write_gzip(directory / OUTPUT, ("\n".join(rows) + "\n").encode("utf-8"))
    return len(counts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m offline.rome_competences")
    parser.add_argument("offers", type=Path)
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    print(f"{build(args.offers, args.directory)} compétences → {args.directory / OUTPUT}")


if __name__ == "__main__":
    main()
