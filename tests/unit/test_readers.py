from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from domain.errors import InputFormatError
from ingestion.offers.readers import count_items, read_offer_items


def test_jsonl_gz_bad_lines_are_items_not_errors(tmp_path: Path) -> None:
    path = tmp_path / "offers.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "A"}) + "\n")
        fh.write("{not json\n")
        fh.write("\n")
        fh.write("[1, 2]\n")
        fh.write(json.dumps({"id": "B"}) + "\n")
    items = list(read_offer_items(path))
    assert [i.payload["id"] if i.payload else None for i in items] == ["A", None, None, "B"]
    assert items[1].error and "JSON invalide" in items[1].error
    assert items[1].position == "offers.jsonl.gz:2"
    assert items[2].error and "objet JSON attendu" in items[2].error
    assert count_items(path) == 4


def test_json_array_and_search_envelope(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"id": "A"}, "x"]), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"resultats": [{"id": "B"}]}), encoding="utf-8")
    items = list(read_offer_items(tmp_path))
    assert [(i.position, i.error is None) for i in items] == [
        ("a.json[0]", True),
        ("a.json[1]", False),
        ("b.json[0]", True),
    ]


def test_invalid_json_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "A"}, ', encoding="utf-8")
    with pytest.raises(InputFormatError, match="pas un JSON valide"):
        list(read_offer_items(path))


def test_unsupported_and_missing(tmp_path: Path) -> None:
    (tmp_path / "offers.csv").write_text("id\n1\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="non pris en charge"):
        list(read_offer_items(tmp_path / "offers.csv"))
    with pytest.raises(InputFormatError, match="introuvable"):
        list(read_offer_items(tmp_path / "nope.jsonl"))
