"""The chat UI's look without a browser: footer texts, card data kept in messages, plain words, charts, and
the local storage of chat elements."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ui.branding import footer_text, with_bassin_texts
from ui.card_text import freshness, plain_reason
from ui.cards import OfferCard, ScorePart, contract_text, search_reason
from ui.charts import figure_json, results_map, score_breakdown
from ui.storage import LocalFileStorage, owner_of


def test_footer_says_who_answers() -> None:
    offline = footer_text("offline", None, "fr-FR")
    assert (
        "planificateur hors ligne" in offline and "LLM" not in offline and "peuvent se tromper" not in offline
    )
    assert "offline planner" in footer_text("offline", None, "en-US")
    mistral = footer_text("mistral", "mistral-small-latest", "fr-FR")
    assert "mistral · mistral-small-latest" in mistral and "peut se tromper" in mistral
    chainlit = {"chat": {"watermark": "Les LLMs peuvent se tromper.", "other": "x"}, "auth": {"login": {}}}
    texts = with_bassin_texts(chainlit, offline, "fr-FR")
    assert texts["chat"] == {"watermark": offline, "other": "x"}
    assert texts["auth"]["login"]["form"]["email"]["label"] == "Identifiant"
    assert chainlit["chat"]["watermark"] == "Les LLMs peuvent se tromper."  # Chainlit's own left as is


def test_card_survives_the_round_trip_through_message_metadata() -> None:
    card = OfferCard(rank=2, id="184NBGJ", title="Data Engineer", score=92, parts=[ScorePart("métier", 4.2)],
                     reasons=["même métier"], explanation=["Compétence demandée « Python »"])  # fmt: skip
    stored = json.loads(json.dumps(card.to_dict()))
    assert OfferCard.from_dict({**stored, "added_later": 1}) == card
    english = OfferCard(rank=1, id="1", title="Cook", score=80, reasons=["same occupation"], lang="en")
    assert OfferCard.from_dict(json.loads(json.dumps(english.to_dict()))).lang == "en"
    before_languages = {k: v for k, v in stored.items() if k != "lang"}  # cards stored before: French
    assert OfferCard.from_dict(before_languages).lang == "fr"
    assert OfferCard.from_dict({**stored, "lang": "de"}).lang == "fr"


def test_words_a_person_writes() -> None:
    assert plain_reason("à 2.3 km") == "à 2 km"
    assert plain_reason("1 compétence(s) sur 1") == "1 compétence sur 1"
    assert plain_reason("3 compétence(s) sur 4") == "3 compétences sur 4"
    assert contract_text("MIS", "Mission intérimaire - 3 Mois") == "intérim · 3 mois"
    assert contract_text("CDI", "Contrat à durée indéterminée") == "CDI"
    assert contract_text(None, "Contrat à durée indéterminée") == "Contrat à durée indéterminée"
    today = date(2026, 11, 21)
    assert freshness("2026-11-21", today) == "publiée aujourd'hui"
    assert freshness("2026-11-18", today) == "publiée il y a 3 jours"
    assert freshness("2026-08-01", today) == "publiée il y a 3 mois"
    assert freshness("2024-11-05", today) == "publiée en nov. 2024"
    assert freshness(None, today) is None


def test_words_a_person_writes_in_english() -> None:
    assert plain_reason("2.3 km away", "en") == "2 km away"
    assert plain_reason("1 of 1 skills", "en") == "1 of 1 skill"
    assert plain_reason("3 of 4 required skills", "en") == "3 of 4 required skills"
    # the search writes its reasons in French: an English card says them in English
    assert [search_reason(r, "en") for r in ("même métier", "métier proche", "à 2.3 km", "1 compétence(s) sur 3",
                                             "contrat demandé")] == [
        "same occupation", "related occupation", "2.3 km away", "1 of 3 skills", "contract as asked"]  # fmt: skip
    assert search_reason("à 2.3 km") == "à 2.3 km"
    assert contract_text("MIS", "Mission intérimaire - 3 Mois", "en") == "temp work · 3 months"
    assert contract_text("CDD", "CDD - 1 Mois", "en") == "fixed-term (CDD) · 1 month"
    assert contract_text("CDD", "CDD - 15 Jour(s)", "en") == "fixed-term (CDD) · 15 days"
    assert contract_text("CDD", "CDD - 15 Jour(s)") == "CDD · 15 jour(s)"  # French as it was
    today = date(2026, 11, 21)
    assert freshness("2026-11-21", today, "en") == "published today"
    assert freshness("2026-11-20", today, "en") == "published yesterday"
    assert freshness("2026-11-18", today, "en") == "published 3 days ago"
    assert freshness("2026-10-15", today, "en") == "published 1 month ago"
    assert freshness("2026-08-01", today, "en") == "published 3 months ago"
    assert freshness("2024-11-05", today, "en") == "published in Nov 2024"


def _card(rank: int, lat: float, lon: float) -> OfferCard:
    return OfferCard(
        rank=rank, id=str(rank), title=f"Offre {rank}", location="Lyon", lat=lat, lon=lon, score=80
    )


def test_map_has_one_marker_per_place_no_toolbar_and_no_colour_scale() -> None:
    cards = [_card(1, 45.76, 4.84), _card(2, 45.76, 4.84), _card(3, 45.70, 4.90), _card(4, 45.76, 4.84)]
    fig = results_map(cards, centre=(45.75, 4.85))
    assert fig is not None
    markers = fig.data[0]
    assert list(markers.text) == ["1, 2, 4", "3"]  # offers of one town share a marker: no piled-up labels
    assert markers.marker.showscale is None and not fig.layout.title.text
    assert (fig.layout.xaxis.title.text, list(fig.data[1].hovertext)) == (
        "km vers l'est",
        ["centre de la recherche"],
    )
    sent = json.loads(figure_json(fig))
    assert sent["config"]["displayModeBar"] is False
    english = results_map(cards, centre=(45.75, 4.85), lang="en")
    assert english is not None
    assert (english.layout.xaxis.title.text, english.layout.yaxis.title.text) == ("km east", "km north")
    assert list(english.data[1].hovertext) == ["search centre"]
    assert results_map([_card(1, 45.76, 4.84), _card(2, 45.76, 4.84)]) is None  # one place: nothing to map


def test_score_chart_in_plain_words_with_room_for_its_values() -> None:
    card = OfferCard(rank=1, id="1", title="x", score=70, parts=[
        ScorePart("description proche de votre recherche", 6.0), ScorePart("distance", -3.0),
        ScorePart("langues", 0.1)])  # fmt: skip
    fig = score_breakdown(card)
    labels = list(fig.data[0].y)
    assert labels == ["distance", "description proche<br>de votre recherche"]  # wrapped, tiny parts left out
    low, high = fig.layout.xaxis.range
    assert low < -3.0 and high > 6.0
    assert fig.layout.xaxis.title.text == "points gagnés ou perdus"
    card.lang = "en"
    english = score_breakdown(card)
    assert english.layout.xaxis.title.text == "points gained or lost"
    assert english.data[0].hovertemplate == "%{y}: %{x:+.1f} points<extra></extra>"


async def test_local_storage_keeps_elements_and_refuses_keys_outside_its_folder(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    key = "user-1/element-9/carte-des-offres"
    stored = await storage.upload_file(key, '{"data": []}', mime="application/json")
    assert stored == {"object_key": key, "url": "/bassin/files/user-1/element-9/carte-des-offres"}
    assert await storage.get_read_url(key) == stored["url"]
    found = storage.read(key)
    assert found is not None and found[0].read_text() == '{"data": []}' and found[1] == "application/json"
    assert owner_of(key) == "user-1"
    assert await storage.delete_file(key) is True
    assert storage.read(key) is None
    for bad in ("../outside", "user-1/../../etc/passwd", "/etc/passwd", ""):
        with pytest.raises(ValueError):
            await storage.upload_file(bad, b"x")
    assert not (tmp_path / "outside").exists()
