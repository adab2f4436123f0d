"""Render benchmark results as the README's markdown table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

START, END = "<!-- BENCH:START -->", "<!-- BENCH:END -->"


def render_markdown(results: dict[str, Any]) -> str:
    ing = results["ingestion"]
    lines = [
        f"Measured {results['date']} on {results['machine']} (`make bench`).",
        "",
        "**Ingestion** (real France Travail offers, USE-multilingual embeddings, SQLite + FAISS + tantivy):",
        "",
        "| offers | time | offers/s | share embedding | pipeline overhead | unchanged re-run |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {ing['offers']:,} | {ing['seconds']} s | {ing['offers_per_s']} | {ing['embed_share']:.0%} "
        f"| {ing['overhead_share']:.0%} | {ing['rerun_seconds']} s |",
        "",
        "**Filtered hybrid search** (20 queries × rounds, most with place + radius and/or contract; top 10 after "
        "fusing 50 lexical + 50 vector candidates, the two retrievers running concurrently; query encoding included):",
        "",
        "| documents | FAISS | hybrid p50 | hybrid p95 | lexical p95 | vector p95 | encode query p95 |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["search"]:
        lines.append(
            f"| {row['size']:,} | {row['faiss_mode']} | {row['hybrid']['p50_ms']} ms | {row['hybrid']['p95_ms']} ms "
            f"| {row['lexical']['p95_ms']} ms | {row['vector']['p95_ms']} ms | {row['encode_query']['p95_ms']} ms |"
        )
    if results.get("backends"):
        lines += [
            "",
            f"**Lexical backend side by side** (same query set and FAISS, {results['backends'][0]['size']:,} offers, one run):",
            "",
            "| lexical backend | hybrid p50 | hybrid p95 | lexical p50 | lexical p95 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for row in results["backends"]:
            lines.append(
                f"| {row['backend']} | {row['hybrid']['p50_ms']} ms | {row['hybrid']['p95_ms']} ms "
                f"| {row['lexical']['p50_ms']} ms | {row['lexical']['p95_ms']} ms |"
            )
    scaled = [r for r in results["search"] if "tantivy_build_s" in r]
    if scaled:
        lines += [
            "",
            "Scaled corpora are the real offers copied with new ids, places jittered by up to ~5 km and "
            "vectors perturbed; build times: "
            + "; ".join(
                f"{r['size']:,}: FAISS {r['faiss_build_s']} s, tantivy {r['tantivy_build_s']} s"
                for r in scaled
            )
            + ".",
        ]
    if results.get("agent"):
        lines += [
            "",
            "**Offline agent turn** end to end through the LangGraph graph (offline planner, real tools, "
            "in-memory checkpointer): a search turn (plan → search_offers → answer) and a CV turn "
            "(parse_cv → search_offers → score_match → answer):",
            "",
            "| offers | search turn p50 | search turn p95 | CV turn p50 | CV turn p95 |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in results["agent"]:
            lines.append(
                f"| {row['size']:,} | {row['search_turn']['p50_ms']} ms | {row['search_turn']['p95_ms']} ms "
                f"| {row['cv_turn']['p50_ms']} ms | {row['cv_turn']['p95_ms']} ms |"
            )
    if results.get("api"):
        lines += [
            "",
            "**HTTP API** (`POST /match` served by uvicorn on loopback, an `httpx.AsyncClient` keeping "
            f"{results['api'][0]['concurrency']} requests in flight; client and server share the machine): a CV "
            "vector (cosine over FAISS, as the GUI sends it) and a stored profile answered from the match cache:",
            "",
            "| offers | request | p50 | p95 | requests/s |",
            "| ---: | --- | ---: | ---: | ---: |",
        ]
        for row in results["api"]:
            for kind, label in (("match_vector", "cv_embedding"), ("match_cached", "cv_id (cached)")):
                m = row[kind]
                lines.append(
                    f"| {row['size']:,} | {label} | {m['p50_ms']} ms | {m['p95_ms']} ms | {m['requests_per_s']} |"
                )
    if results.get("ui"):
        lines += [
            "",
            "**Chat UI** (Chainlit served locally, headless Chromium logged in as a job seeker, offline planner; "
            "each question in a new conversation, timed from the click on send):",
            "",
            "| offers | question → first tool step p50 / p95 | question → first result card p50 / p95 | cold first question |",
            "| ---: | ---: | ---: | ---: |",
        ]
        for row in results["ui"]:
            step, card = row.get("first_step") or {}, row.get("first_card") or {}
            lines.append(
                f"| {row['offers']} | {step.get('p50_ms')} / {step.get('p95_ms')} ms "
                f"| {card.get('p50_ms')} / {card.get('p95_ms')} ms | {row['cold_first_card_ms']} ms |"
            )
    if results.get("cv"):
        cv = results["cv"]
        lines += [
            "",
            f"**CV parsing**: PDF {cv['pdf']['cvs_per_s']} CVs/s (real resume PDFs), DOCX {cv['docx']['cvs_per_s']} "
            f"CVs/s, TXT {cv['txt']['cvs_per_s']} CVs/s.",
        ]
    return "\n".join(lines)


def update_readme(readme: Path, table: str) -> None:
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no {START} … {END} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
