"""Fixtures shared by the backend contract tests.

Every lexical backend listed in ``LEXICAL_BACKENDS`` runs the same tests in
``test_lexical_contract.py``. To add one (Elasticsearch), add its name to the list and a branch to
``_open_backend`` that opens a backend storing its data under ``name`` (an index name for
Elasticsearch), so that opening the same name again reopens the same data.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.documents import IndexDocument
from retrieval.lexical.base import LexicalBackend
from retrieval.lexical.tantivy_backend import TantivyBackend

LEXICAL_BACKENDS = ["tantivy", "elasticsearch"]
_ES_RUN = uuid.uuid4().hex[:8]  # index names unique to this test session

OFFERS_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "offers"
OFFERS_FILE = OFFERS_FILE / "france_travail_offers.jsonl.gz"

BackendFactory = Callable[..., LexicalBackend]


def _es_prefix(root: Path) -> str:
    return f"bassin-contract-{_ES_RUN}-{hashlib.sha1(str(root).encode()).hexdigest()[:10]}"


def _open_backend(kind: str, root: Path, name: str, request: pytest.FixtureRequest) -> LexicalBackend:
    if kind == "tantivy":
        return TantivyBackend(root / name, "offers")
    if kind == "elasticsearch":
        from retrieval.lexical.elastic import ElasticsearchBackend

        client = request.getfixturevalue("elasticsearch_client")
        return ElasticsearchBackend(client, "offers", index_prefix=f"{_es_prefix(root)}-{name}")
    raise ValueError(f"unknown lexical backend {kind!r}")


def _drop_elasticsearch_indexes(kind: str, root: Path, request: pytest.FixtureRequest) -> None:
    if kind == "elasticsearch":
        client = request.getfixturevalue("elasticsearch_client")
        names = list(client.indices.get(index=f"{_es_prefix(root)}-*", allow_no_indices=True))
        if names:
            client.indices.delete(index=",".join(names), ignore_unavailable=True)


@pytest.fixture(scope="session", params=LEXICAL_BACKENDS)
def lexical_backend_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def lexical_backend(
    lexical_backend_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[BackendFactory]:
    """Factory of empty backends: ``lexical_backend()`` or ``lexical_backend("name")``.

    Opening a name again (after closing it) reopens the same stored data.
    """
    opened: list[LexicalBackend] = []

    def make(name: str = "default") -> LexicalBackend:
        backend = _open_backend(lexical_backend_kind, tmp_path, name, request)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.close()
    _drop_elasticsearch_indexes(lexical_backend_kind, tmp_path, request)


_EXPERIENCE = re.compile(r"(\d+)\s*(an|mois)", re.IGNORECASE)


def offer_document(doc_id: int, raw: dict[str, Any]) -> IndexDocument:
    """A throwaway France Travail JSON → ``IndexDocument`` mapping, for tests only.

    It varies every filtered field: offers with no coordinates, no experience ("S"), remote
    True / False / unknown, several skills and languages.
    """
    place = raw.get("lieuTravail") or {}
    postcode = place.get("codePostal") or ""
    experience: int | None = None
    if raw.get("experienceExige") == "D":
        experience = 0
    elif raw.get("experienceExige") == "E":
        found = _EXPERIENCE.search(raw.get("experienceLibelle") or "")
        experience = 12
        if found:
            experience = int(found.group(1)) * (12 if found.group(2).lower() == "an" else 1)
    description = raw.get("description") or ""
    remote: bool | None = None
    if "télétravail" in description.lower():
        remote = True
    elif doc_id % 3 == 0:
        remote = False
    return IndexDocument(
        doc_id=doc_id,
        external_id=raw["id"],
        content_hash=hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:32],
        title=raw.get("intitule") or "",
        body=description,
        embed_text="",
        skills=tuple(sorted({c["code"] for c in raw.get("competences") or [] if c.get("code")})),
        contract=(raw["typeContrat"],) if raw.get("typeContrat") else (),
        rome=(raw["romeCode"],) if raw.get("romeCode") else (),
        department=(postcode[:2],) if postcode else (),
        languages=tuple(sorted({lang["libelle"].lower() for lang in raw.get("langues") or []})),
        remote=remote,
        experience_months=experience,
        published=date.fromisoformat(raw["dateCreation"][:10]),
        lat=place.get("latitude"),
        lon=place.get("longitude"),
    )


@pytest.fixture(scope="session")
def real_offers() -> list[IndexDocument]:
    """The 7.8k real France Travail offers of the shared data folder, as index documents."""
    if not OFFERS_FILE.exists():
        pytest.skip(f"real offers not found at {OFFERS_FILE}")
    with gzip.open(OFFERS_FILE, "rt", encoding="utf-8") as lines:
        return [offer_document(i + 1, json.loads(line)) for i, line in enumerate(lines)]


@pytest.fixture(scope="session")
def offers_backend(
    lexical_backend_kind: str,
    real_offers: list[IndexDocument],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[LexicalBackend]:
    """A backend holding every real offer, committed; tests must not write to it."""
    root = tmp_path_factory.mktemp("offers")
    backend = _open_backend(lexical_backend_kind, root, "offers", request)
    backend.upsert(real_offers)
    backend.commit()
    yield backend
    backend.close()
    _drop_elasticsearch_indexes(lexical_backend_kind, root, request)
