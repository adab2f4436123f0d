"""Time from question to first result card in the chat UI, in a real browser, with the offline planner.

    python -m bench.ui_bench                    # the 7.8k real offers of ../shared/data (else the 4,000 sample)
    python -m bench.ui_bench --sample           # the 4,000-offer sample shipped with the project
    python -m bench.ui_bench --json

A data dir is built with ``bassin ingest offers`` (kept in --data-dir for re-runs), ``chainlit run`` serves
the UI, and headless Chromium (Debian ``chromium``) logs in as a job seeker and asks each question in a new
conversation. Measured per question in the page (a MutationObserver and the next animation frame), from the
click on send: the frame that shows the first tool step, and the one that shows the first card. The first
question of a server also opens the engine and is reported apart (cold).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize
from tests.ui.app_server import USERS, ChainlitServer, prepare_data_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED_OFFERS = ROOT.parent / "shared" / "data" / "offers" / "france_travail_offers.jsonl.gz"
SAMPLE_OFFERS = ROOT / "data" / "offers" / "france_travail_sample.jsonl.gz"
QUESTIONS = [
    "Je cherche un poste de développeur python en CDI près de Lyon",
    "cariste en intérim près de Lille",
    "aide-soignant débutant accepté en Bretagne",
    "commercial à Paris, télétravail possible",
    "comptable en CDI à Nantes",
    "boulanger près de Bordeaux",
    "infirmier de nuit à Marseille",
    "chauffeur poids lourd en CDI près de Rouen",
    "data analyst à Toulouse",
    "serveur en saisonnier sur la côte atlantique",
]
CARD = re.compile(r"Adéquation \d+/100")


def _login(page: Any, url: str) -> None:
    who = next(u for u in USERS if u["role"] == "candidate")
    page.goto(url + "/login")
    page.locator("#email").fill(who["name"])
    page.locator("#password").fill(who["password"])
    with page.expect_websocket():
        page.locator("button[type=submit]").click()
    page.locator("#chat-input").wait_for()


# Stamped in the page itself: a MutationObserver notes the frame in which the tool step and the first card
# appear, counted from the click on send. (Playwright's own waits poll with a back-off of up to 1 s: they
# say when the card was there, not when it appeared.)
_STAMPS = """() => {
  const s = {t0: null, step: null, card: null};
  window.__bassinStamps = s;
  document.addEventListener('click', (e) => {
    if (s.t0 === null && e.target.closest && e.target.closest('#chat-submit')) s.t0 = performance.now();
  }, true);
  const frame = (key) => requestAnimationFrame(() => { if (s[key] === null) s[key] = performance.now(); });
  let stepSeen = false, cardSeen = false;
  new MutationObserver(() => {
    if (s.t0 === null) return;
    if (!stepSeen && /search_offers|what_if/.test(document.body.textContent)) { stepSeen = true; frame('step'); }
    if (!cardSeen) {
      for (const m of document.querySelectorAll('.ai-message')) {
        if (/Adéquation \\d+\\/100/.test(m.textContent)) { cardSeen = true; frame('card'); break; }
      }
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def _ask(page: Any, url: str, question: str, *, fresh: bool) -> dict[str, float | None]:
    if fresh:
        page.goto(url + "/")
        page.locator("#chat-input").wait_for()
        page.wait_for_timeout(500)
    page.evaluate(_STAMPS)
    page.locator("#chat-input").fill(question)
    page.locator("#chat-submit:enabled").click()
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.get_by_text(re.compile("search_offers|what_if")).first.wait_for(timeout=120_000)
    with contextlib.suppress(PlaywrightTimeout):  # a question with no result has no card
        page.locator(".ai-message").filter(has_text=CARD).first.wait_for(timeout=120_000)
    page.wait_for_timeout(100)  # the stamping frame
    stamps = page.evaluate("() => window.__bassinStamps")
    t0 = stamps["t0"]
    return {
        "step_ms": None if stamps["step"] is None else stamps["step"] - t0,
        "card_ms": None if stamps["card"] is None else stamps["card"] - t0,
    }


def bench_ui(data_dir: Path, *, offers_label: str, chromium: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    server = ChainlitServer(data_dir, data_dir.parent / "ui-bench-chainlit.log")
    server.start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
            context.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(server.url) else r.abort()
            )
            page = context.new_page()
            _login(page, server.url)
            cold = _ask(page, server.url, QUESTIONS[0], fresh=False)
            warm = [_ask(page, server.url, q, fresh=True) for q in QUESTIONS]
            browser.close()
    finally:
        server.stop()
    cards = [w["card_ms"] for w in warm if w["card_ms"] is not None]
    steps = [w["step_ms"] for w in warm if w["step_ms"] is not None]
    return {
        "offers": offers_label,
        "planner": "offline",
        "cold_first_card_ms": None if cold["card_ms"] is None else round(cold["card_ms"], 1),
        "first_card": summarize(cards) if cards else None,
        "first_step": summarize(steps) if steps else None,
        "questions": len(QUESTIONS),
        "questions_with_cards": len(cards),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", action="store_true", help="the 4,000-offer sample instead of 7.8k")
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse/keep this data dir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("ui_bench: needs the Debian chromium package (scripts/system-deps.sh)")
    source = SAMPLE_OFFERS if args.sample or not SHARED_OFFERS.exists() else SHARED_OFFERS
    label = "4,000 (sample)" if source == SAMPLE_OFFERS else "7,779 (shared)"
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bassin-ui-bench-")) / "data"
    if not (data_dir / "bassin.db").exists():
        t0 = time.perf_counter()
        prepare_data_dir(data_dir, source=source, cvs=0)
        print(f"ingested {label} offers in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    result = bench_ui(data_dir, offers_label=label, chromium=chromium)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    card = result["first_card"] or {}
    print(
        f"UI, {label} offers, offline planner: question → first card p50 {card.get('p50_ms')} ms, "
        f"p95 {card.get('p95_ms')} ms ({result['questions_with_cards']}/{result['questions']} questions with "
        f"cards); cold first question {result['cold_first_card_ms']} ms"
    )


if __name__ == "__main__":
    main()
