"""Issue 19, item 6: ``bassin forget`` erases a person everywhere, and an edited CV replaces the previous one.

The data dir is filled the way users fill it: the CV ingested, the same CV uploaded under two extensions
and as a DOCX (from ``ask --cv`` and the chat UI), a conversation with the agent where she types her name
and email (LangGraph checkpoints), chat history rows (Chainlit ``chat_*``), cached matches and a log file.
After ``forget``, her name and email are found in no file under the data dir and in no SQL row.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy import MetaData, select

from app.conversation import ask_once
from app.settings import Settings
from store.chat_history import ChatStepRow, ChatThreadRow
from store.match_cache import MatchCacheRepository
from tests.conftest import load_raw_offers
from tests.integration.conftest import write_jsonl_gz
from tests.reliability.conftest import bassin, open_engine
from tools.uploads import UploadedCVs

pytestmark = pytest.mark.integration

NAME, EMAIL, PHONE = "Marianne Vasquez-Lenoir", "marianne.vasquez@exemple.fr", "06 12 34 56 78"
CV = f"""{NAME}
{EMAIL} · {PHONE}
69003 Lyon

Développeuse Python senior

Expérience professionnelle
2016 - 2024 Développeuse Python, Société Exemple, Lyon
Conception d'API REST avec Django et PostgreSQL, déploiement sur Kubernetes.

Compétences
Python, Django, PostgreSQL, Docker, Git
"""
NEEDLES = [NAME, EMAIL, "Vasquez"]


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _traces(data_dir: Path, url: str | None) -> list[str]:
    """Every file under the data dir and every SQL row that still holds the person's name or email."""
    found = []
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes().decode("utf-8", "replace").casefold()
            found += [f"{path.relative_to(data_dir)}: {n}" for n in NEEDLES if n.casefold() in content]
    engine = open_engine(data_dir, url)
    try:
        meta = MetaData()
        meta.reflect(engine.db.engine)
        with engine.db.engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)):
                    text = str(tuple(row)).casefold()
                    found += [f"table {table.name}: {n}" for n in NEEDLES if n.casefold() in text]
    finally:
        engine.close()
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """SQLite in the data dir, or PostgreSQL (agent checkpoints then live in PostgreSQL too)."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_forget_erases_the_person_everywhere(tmp_path: Path, database_url: str | None) -> None:
    data = tmp_path / "data"
    settings = Settings(data_dir=data, database_url=database_url, llm_provider="offline", _env_file=None)  # type: ignore[call-arg]
    engine = open_engine(data, database_url)
    try:
        from ingestion.offers.readers import read_offer_items

        engine.pipeline.ingest(
            read_offer_items(write_jsonl_gz(tmp_path / "o.jsonl.gz", load_raw_offers(200)))
        )
        cid = engine.candidate_ingestion.ingest_bytes(CV.encode(), "marianne.txt").external_id
        row = engine.candidates.get_by_external_id(cid)
        assert row is not None
        MatchCacheRepository(engine.db).store(row, [("X1", 0.9)], depth=50, computed_at=datetime.now(UTC))
        uploads = UploadedCVs(data / "uploads")
        uploads.save(CV.encode(), "cv.md")  # the same bytes under another extension
        uploads.save(_docx(CV), "marianne.docx")  # the same CV as a DOCX (other bytes)
        paul = (
            CV.replace(NAME, "Paul Martin").replace(EMAIL, "paul@exemple.fr").replace(PHONE, "06 99 99 99 99")
        )
        other = uploads.save(_docx(paul), "p.docx")
        keep, gone = str(uuid.uuid4()), str(uuid.uuid4())
        with engine.db.session() as s:
            for thread, said in (
                (gone, f"Bonjour, je suis {NAME}, écrivez-moi à {EMAIL}"),
                (keep, "cariste"),
            ):
                s.add(ChatThreadRow(id=thread, name="fil", createdAt="2026-12-03"))
                s.flush()
                s.add(ChatStepRow(id=str(uuid.uuid4()), name="user", type="user_message", threadId=thread,
                                  streaming=False, output=said))  # fmt: skip
    finally:
        engine.close()
    cv_path = tmp_path / "marianne.txt"
    cv_path.write_text(CV, encoding="utf-8")
    turn = asyncio.run(ask_once(settings, f"Je m'appelle {NAME}, {EMAIL}, voici mon CV", cv=cv_path))
    (data / "ui").mkdir(exist_ok=True)
    (data / "ui" / "chainlit.log").write_text(f"INFO login ok\nINFO message from {EMAIL}\n", encoding="utf-8")
    assert len(_traces(data, database_url)) >= 6  # the test data really holds her everywhere

    extra = {"BASSIN_DATABASE_URL": database_url} if database_url else {}
    out = bassin(["forget", "candidate", cid], data, **extra)
    assert out.returncode == 0, out.stderr
    for place in ("base SQL", "cache des correspondances", "index vectoriel", "index lexical", "cvs/",
                  "uploads/", "chat_*", "checkpoints", "journaux"):  # fmt: skip
        assert place in out.stdout, out.stdout
    assert _traces(data, database_url) == []
    assert (data / "uploads" / other).exists(), out.stdout  # another person's upload stays
    engine = open_engine(data, database_url)
    try:
        with engine.db.session() as s:
            assert s.get(ChatThreadRow, keep) is not None and s.get(ChatThreadRow, gone) is None
    finally:
        engine.close()
    assert turn.thread_id


def test_an_edited_cv_replaces_the_previous_version(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "data")
    try:
        ingest = engine.candidate_ingestion
        first = ingest.ingest_bytes(CV.encode(), "cv.txt")
        row = engine.candidates.get_by_external_id(first.external_id)
        assert row is not None
        cache = MatchCacheRepository(engine.db)
        cache.store(row, [("X1", 0.9)], depth=50, computed_at=datetime.now(UTC))
        assert cache.count() == 1
        edited = CV.replace("Docker, Git", "Docker, Git, FastAPI, Terraform").replace(PHONE, "07 00 00 00 01")
        second = ingest.ingest_bytes(edited.encode(), "cv-2026.md")
        assert second.external_id == first.external_id and second.status == "updated"
        assert engine.candidates.count() == 1
        assert cache.count() == 0  # the old version's cached matches are gone
        files = sorted(p.name for p in (tmp_path / "data" / "cvs").iterdir())
        assert files == [f"{first.external_id}.md"]  # the previous file (.txt) went with it
        # another person with the same skills is another candidate
        ingest.ingest_bytes(CV.replace(NAME, "Paul Martin").replace(EMAIL, "paul@exemple.fr")
                            .replace(PHONE, "06 99 99 99 99").encode(), "paul.txt")  # fmt: skip
        assert engine.candidates.count() == 2
    finally:
        engine.close()


def test_forget_also_erases_older_duplicates_of_the_person(tmp_path: Path) -> None:
    """Data dirs from before identity matching hold the same person twice: forgetting one forgets both."""
    from cv import parse_cv
    from ingestion.candidates import candidate_record

    engine = open_engine(tmp_path / "data")
    try:
        kept = engine.candidate_ingestion.ingest_bytes(CV.replace(NAME, "Paul Martin").replace(EMAIL, "p@x.fr")
                                                       .replace(PHONE, "06 99 99 99 99").encode(), "p.txt")  # fmt: skip
        first = engine.candidate_ingestion.ingest_bytes(CV.encode(), "cv.txt").external_id
        parsed = parse_cv(CV.replace("Docker", "Docker, Ansible").encode(), "old.txt")
        legacy = candidate_record(parsed, "ab" * 32).model_copy(update={"external_id": "cv-abababababab"})
        engine.candidates.upsert(legacy, parsed.personal.model_dump(mode="json"), None)
        assert engine.candidates.count() == 3
        report = engine.forget(first)
        assert ("autre version du même CV", "cv-abababababab") in report.places
        assert engine.candidates.count() == 1
        assert engine.candidates.get_by_external_id(kept.external_id) is not None
    finally:
        engine.close()
