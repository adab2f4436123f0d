"""Rebuild the compact ESCO and ROME files under ``data/referentials/`` from the upstream files.

Run once when the sources change::

    python -m offline.taxonomy_build ../shared/data/referentials data/referentials

Writes ``esco/skills_fr.tsv.gz`` (ESCO v1.0 skills: id, type, French preferred label, synonyms; the
descriptions are dropped) and gzipped copies of the two ROME v460 tables in ``rome/``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

ROME_FILES = ("unix_referentiel_code_rome_v460_utf8.csv", "unix_referentiel_appellation_v460_utf8.csv")
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


def build_esco(src: Path, dst: Path) -> int:
    """Write ``dst`` (TSV, gzipped): uuid, type (k = knowledge, s = skill), label, synonyms joined by ``|``."""
    lines = ["uuid\ttype\tlabel\tsynonyms"]
    with src.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            uuid = row["conceptUri"].removeprefix(ESCO_SKILL_PREFIX)
            kind = "k" if row["skillType"] == "knowledge" else "s"
            synonyms = [_clean(a) for a in row["altLabels"].split("\n") if a.strip()]
            lines.append("\t".join([uuid, kind, _clean(row["preferredLabel"]), "|".join(synonyms)]))
    _write_gzip(dst, ("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines) - 1


def _clean(label: str) -> str:
    return " ".join(label.replace("|", "/").split())


def _write_gzip(path: Path, payload: bytes) -> None:
    """Gzip with a fixed timestamp, so that rebuilding unchanged data changes no byte."""
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as out:
        out.write(payload)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "src", type=Path, help="folder with esco_fr/ and rome/, e.g. ../shared/data/referentials"
    )
    parser.add_argument("dst", type=Path, help="output folder, e.g. data/referentials")
    args = parser.parse_args(argv)
    (args.dst / "esco").mkdir(parents=True, exist_ok=True)
    (args.dst / "rome").mkdir(parents=True, exist_ok=True)
    count = build_esco(args.src / "esco_fr" / "skills_fr.csv", args.dst / "esco" / "skills_fr.tsv.gz")
    for name in ROME_FILES:
        _write_gzip(args.dst / "rome" / f"{name}.gz", (args.src / "rome" / name).read_bytes())
    print(f"{count} compétences ESCO, {len(ROME_FILES)} tables ROME")


if __name__ == "__main__":
    main()
