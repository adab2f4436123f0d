"""Labelled queries for calibration and evaluation: grades, disjoint splits, and the nDCG metric."""

from __future__ import annotations

import pytest

from domain.documents import IndexDocument
from evals.retrieval.metrics import ndcg_at_k, recall_at_k
from offline.labelled import LabelledQuery, clean_title, job_queries, load_resume_families, split_of
from referentials.taxonomy import default_rome


def test_grades_same_code_family_other() -> None:
    q = LabelledQuery("q", "appellation", "evaluation", "aide-soignant", codes=("J1501",))
    assert [q.grade(c) for c in ("J1501", "J1506", "M1805", None)] == [2, 1, 0, 0]
    r = LabelledQuery("r", "resume", "evaluation", "", families=("M18",), related_families=("I14",))
    assert [r.grade(c) for c in ("M1805", "I1401", "G1602")] == [2, 1, 0]


def test_a_rome_code_never_lands_in_both_splits() -> None:
    docs = [
        IndexDocument(
            doc_id=i, external_id=str(i), content_hash="h", title=t, body="", embed_text="", rome=(c,)
        )
        for i, (t, c) in enumerate(
            [(f"Aide-soignant H/F {n}", "J1501") for n in range(6)]
            + [(f"Cariste CACES (H/F) {n}", "N1101") for n in range(6)]
            + [("Rare", "A1101")]
        )
    ]
    queries = job_queries(docs, default_rome(), {})
    assert {q.codes for q in queries} == {("J1501",), ("N1101",)}  # A1101 has fewer than 5 offers
    for code in ("J1501", "N1101"):
        assert {q.split for q in queries if q.codes == (code,)} == {split_of(code)}
    title = next(q for q in queries if q.kind == "title" and q.codes == ("N1101",))
    assert title.text.startswith("Cariste CACES") and "H/F" not in title.text
    assert len(title.exclude) == 1  # the offer the title came from is not judged


def test_clean_title_and_resume_mapping() -> None:
    assert clean_title("Second de cuisine F/H ") == "Second de cuisine"
    assert clean_title("Développeur Python (H/F)") == "Développeur Python"
    mapping = load_resume_families()
    assert len(mapping) == 24 and mapping["INFORMATION-TECHNOLOGY"]["primary"] == ["M18"]


def test_ndcg_and_recall() -> None:
    assert ndcg_at_k([2, 1, 0], [2, 1, 0, 0]) == pytest.approx(1.0)
    assert ndcg_at_k([0, 0, 0], [2, 1]) == 0.0
    worse = ndcg_at_k([1, 2], [2, 1])
    assert 0.0 < worse < 1.0
    assert recall_at_k([2, 0, 2], relevant_total=4, k=3) == pytest.approx(2 / 3)


def test_more_titles_per_code_are_other_titles_of_unseen_offers() -> None:
    docs = [
        IndexDocument(
            doc_id=i, external_id=str(i), content_hash="h", title=t, body="", embed_text="", rome=("N1101",)
        )
        for i, t in enumerate(
            [
                "Cariste H/F",
                "CARISTE (H/F)",
                "Cariste CACES 3",
                "Cariste de nuit",
                "Cariste magasinier",
                "Cariste 1",
            ]
        )
    ]
    first = [q for q in job_queries(docs, default_rome(), {}) if q.kind == "title"]
    unseen = {2, 3, 4}
    more = [
        q
        for q in job_queries(docs, default_rome(), {}, more_titles=5, unseen=lambda d: d.doc_id in unseen)
        if q.kind == "title"
    ]
    assert more[0] == first[0], "the first draws stay what they were"
    extra = more[1:]
    assert [q.qid for q in extra] == [f"title-N1101-{n}" for n in range(1, len(extra) + 1)]
    assert {q.exclude[0] for q in extra} <= unseen, "drawn among the offers the classifier never saw"
    folded = [q.text.casefold() for q in more]
    assert len(folded) == len(set(folded)), "each title once, whatever its case"
