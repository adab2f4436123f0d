"""JSON columns read back as written, with the fast decoder and with what only the standard library reads."""

from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import select

from store import Database
from store.models import OfferRow
from tests.unit.scoring_support import make_offer


def test_json_columns_round_trip_even_with_nan(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'json.db'}")
    db.create_schema()
    plain = make_offer(doc_id=1, raw={"langues": [{"libelle": "Anglais"}], "salaire": {"libelle": "Mensuel"}})
    odd = make_offer(doc_id=2, raw={"score": float("nan")})  # json.dumps writes NaN, which orjson refuses
    plain.external_id, odd.external_id = "J1", "J2"
    plain.content_hash, odd.content_hash = "h1", "h2"
    with db.session() as s:
        s.add_all([plain, odd])
    with db.session() as s:
        rows = {r.id: r for r in s.scalars(select(OfferRow))}
    assert rows[1].raw == {"langues": [{"libelle": "Anglais"}], "salaire": {"libelle": "Mensuel"}}
    assert math.isnan(rows[2].raw["score"])
