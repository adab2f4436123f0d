"""Retrieval and ranking benchmark over the real offers: nDCG@10 of each retriever and of the full pipeline.

Run ``python -m evals.retrieval``; see ``runner.py``.
"""
