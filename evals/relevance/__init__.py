"""Relevance eval: unrelated results and honest "no match", ranked search beside fusion-only search."""
