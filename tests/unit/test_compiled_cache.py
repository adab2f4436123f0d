"""The on-disk cache of built referentials: reused while its sources are unchanged, rebuilt when they change."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest

from domain.errors import MissingExtraError
from referentials.compiled import CompiledCache
from referentials.geo import Gazetteer
from referentials.geo.data import DEFAULT_REFERENTIALS_DIR
from referentials.taxonomy import RomeReferential
from store import migrate


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def build(self, value: object) -> object:
        self.calls += 1
        return value


def test_second_get_reads_the_file_instead_of_building(tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("cariste\n")
    cache, counter = CompiledCache(tmp_path / "cache"), Counter()
    first = cache.get("words", lambda: counter.build({"cariste": 1}), files=[source])
    again = CompiledCache(tmp_path / "cache").get("words", lambda: counter.build("stale"), files=[source])
    assert first == again == {"cariste": 1}
    assert counter.calls == 1
    assert len(list((tmp_path / "cache").glob("words-*.pickle"))) == 1


def test_changed_source_or_code_builds_again(tmp_path: Path) -> None:
    source, code = tmp_path / "words.txt", tmp_path / "builder.py"
    source.write_text("cariste\n")
    code.write_text("v1")
    cache, counter = CompiledCache(tmp_path / "cache"), Counter()

    def words() -> object:
        return counter.build(source.read_text().split())

    assert cache.get("words", words, files=[source], code=[code]) == ["cariste"]
    source.write_text("cariste\nmagasinier\n")
    assert cache.get("words", words, files=[source], code=[code]) == ["cariste", "magasinier"]
    code.write_text("v2")
    assert cache.get("words", words, files=[source], code=[code]) == ["cariste", "magasinier"]
    assert counter.calls == 3
    source.write_text("cariste\n")  # back to the first sources: that file is still there, no build
    code.write_text("v1")
    assert cache.get("words", words, files=[source], code=[code]) == ["cariste"]
    assert counter.calls == 3


def test_a_truncated_file_is_rebuilt_and_replaced(tmp_path: Path) -> None:
    source = tmp_path / "words.txt"
    source.write_text("cariste\n")
    cache, counter = CompiledCache(tmp_path / "cache"), Counter()
    cache.get("words", lambda: counter.build([1, 2, 3]), files=[source])
    (path,) = (tmp_path / "cache").glob("words-*.pickle")
    path.write_bytes(path.read_bytes()[:5])
    assert cache.get("words", lambda: counter.build([1, 2, 3]), files=[source]) == [1, 2, 3]
    assert counter.calls == 2
    assert cache.get("words", lambda: counter.build("again"), files=[source]) == [1, 2, 3]


def test_gazetteer_from_the_cache_answers_like_a_built_one_and_sees_an_edited_referential(
    tmp_path: Path,
) -> None:
    geo = tmp_path / "geo"
    shutil.copytree(DEFAULT_REFERENTIALS_DIR / "geo", geo)
    cache = CompiledCache(tmp_path / "cache")
    built = Gazetteer(geo, cache=cache)
    lyon = built.resolve("Lyon")
    assert list((tmp_path / "cache").glob("gazetteer-*.pickle"))
    cached = Gazetteer(geo, cache=cache)
    assert cached.resolve("Lyon") == lyon
    assert cached.find_in_text("cariste près de Villeurbanne") == built.find_in_text(
        "cariste près de Villeurbanne"
    )

    with gzip.open(geo / "gazetteer.json.gz", "rt", encoding="utf-8") as fh:
        raw = json.load(fh)
    for row in raw["communes"]:
        if row[1] == "Villeurbanne":
            row[1] = "Villeurbannette"
    with gzip.open(geo / "gazetteer.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(raw, fh)
    edited = Gazetteer(geo, cache=cache)
    assert edited.resolve("Villeurbannette").label == "Villeurbannette"
    assert len(list((tmp_path / "cache").glob("gazetteer-*.pickle"))) == 2  # the old one goes after a week


def test_rome_from_the_cache_finds_the_same_codes(tmp_path: Path) -> None:
    cache = CompiledCache(tmp_path / "cache")
    built = RomeReferential(cache=cache).find_codes("cariste")
    assert built[0][0] == "N1101"
    assert RomeReferential(cache=cache).find_codes("cariste") == built
    assert RomeReferential().find_codes("cariste") == built


def test_schema_head_read_from_the_scripts_is_alembics() -> None:
    assert migrate.head_revision() == migrate.alembic_head_revision()


def test_a_sentence_transformers_model_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval.embeddings import create_embedder

    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # as in the lean install
    with pytest.raises(MissingExtraError, match=r'pip install "bassin\[transformers\]"') as err:
        create_embedder("sentence-transformers:intfloat/multilingual-e5-small")
    assert "multilingual-e5-small" in str(err.value) and err.value.extra == "transformers"


def test_the_cross_encoder_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from scoring.reranker import CrossEncoderReranker

    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingExtraError, match=r'pip install "bassin\[transformers\]"') as err:
        CrossEncoderReranker("/models/ce-fr")
    assert "BASSIN_RERANKER_MODEL" in str(err.value) and err.value.module == "torch"


def test_mapped_arrays_come_back_equal_read_only_and_rebuilt_without_their_file(tmp_path: Path) -> None:
    import numpy as np

    source = tmp_path / "weights.txt"
    source.write_text("v1\n")
    table = np.arange(4096, dtype=np.float32).reshape(64, 64)
    value = {"table": table, "columns": np.asfortranarray(table[:, :3]), "layers": [np.ones(5)], "name": "w"}
    cache, counter = CompiledCache(tmp_path / "cache"), Counter()
    cache.get("weights", lambda: counter.build(value), files=[source], mapped=True)
    (side,) = (tmp_path / "cache").glob("weights-*.arrays")
    assert side.stat().st_size >= table.nbytes  # the arrays live in the side file, not in the pickle
    (pickled,) = (tmp_path / "cache").glob("weights-*.pickle")
    assert pickled.stat().st_size < table.nbytes

    loaded = CompiledCache(tmp_path / "cache").get(
        "weights", lambda: counter.build("stale"), files=[source], mapped=True
    )
    assert counter.calls == 1
    assert np.array_equal(loaded["table"], table) and np.array_equal(loaded["columns"], table[:, :3])
    assert np.array_equal(loaded["layers"][0], np.ones(5)) and loaded["name"] == "w"
    assert not loaded["table"].flags.writeable

    side.unlink()  # a pickle without its arrays: built again, never half-read
    again = cache.get("weights", lambda: counter.build(value), files=[source], mapped=True)
    assert counter.calls == 2 and np.array_equal(again["table"], table)
