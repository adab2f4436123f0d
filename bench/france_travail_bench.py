"""Throughput of the France Travail connector against the local API (tests/france_travail_api.py).

    python -m bench.france_travail_bench                 # 7,779 real offers, the API's real limits
    python -m bench.france_travail_bench --rate 1000     # without the 10 requests/s quota

Runs, on one fresh data dir (USE embeddings, SQLite, FAISS, tantivy): a full pull (every offer new), an
unchanged full pull (the daily refresh), an hourly increment (``--since last``: new offers published since
the last run), and a full pull after withdrawals (which closes them). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr

from app.runtime import build_engine
from app.settings import Settings
from ingestion.france_travail.sync import RunSummary
from tests.conftest import SHARED_OFFERS, load_raw_offers
from tests.france_travail_api import CLIENT_ID, CLIENT_SECRET, FakeFranceTravail


def fresh_offers(source: list[dict[str, Any]], n: int, now: datetime) -> list[dict[str, Any]]:
    """``n`` new offers (real ones under new ids) created during the last five minutes (after the last
    run's window, as an hour's new offers are when the increment runs hourly)."""
    out = []
    for i, src in enumerate(random.Random(1).sample(source, n)):
        o = copy.deepcopy(src)
        o["id"] = f"BENCH{i:05d}"
        o["dateCreation"] = (now - timedelta(seconds=1 + i * 300 / n)).isoformat().replace("+00:00", "Z")
        out.append(o)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=Path, default=SHARED_OFFERS)
    parser.add_argument("--rate", type=float, default=9.0, help="client requests per second")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="server latency per request")
    parser.add_argument("--new", type=int, default=200, help="offers published during the hour")
    parser.add_argument("--withdrawn", type=int, default=100, help="offers withdrawn before the last pull")
    args = parser.parse_args(argv)

    offers = load_raw_offers(path=args.offers)
    api = FakeFranceTravail(offers).start()
    api.delay_s = args.delay_ms / 1000
    rows: list[tuple[str, RunSummary]] = []
    with tempfile.TemporaryDirectory(prefix="bassin-ft-bench-") as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            ft_client_id=CLIENT_ID,
            ft_client_secret=SecretStr(CLIENT_SECRET),
            ft_api_url=api.api_url,
            ft_token_url=api.token_url,
            ft_rate_per_second=args.rate,
            _env_file=None,  # type: ignore[call-arg]
        )
        engine = build_engine(settings)
        try:
            sync = engine.france_travail()

            def run(label: str, since: datetime | Literal["last"] | None = None) -> None:
                summary = asyncio.run(sync.run(since=since))
                rows.append((label, summary))
                print(summary.line(), flush=True)

            run("full pull, empty store")
            run("full pull, nothing changed")
            api.publish(fresh_offers(offers, args.new, datetime.now(UTC)))
            run(f"hourly increment (+{args.new} new)", "last")
            api.withdraw([o["id"] for o in random.Random(2).sample(offers, args.withdrawn)])
            run(f"full pull after {args.withdrawn} withdrawals", None)
            open_offers, indexed = engine.offers.count(), engine.lexical.count()
        finally:
            engine.close()
    api.stop()
    print()
    print(f"France Travail connector, {len(offers):,} offers, client rate {args.rate:g} req/s, "
          f"{time.strftime('%Y-%m-%d')}; open offers at the end: {open_offers} (indexed {indexed})")  # fmt: skip
    print()
    print("| run | requests | fetched | new | closed | time | offers/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, s in rows:
        c = s.counts
        rate = c.fetched / s.seconds if s.seconds else 0.0
        print(
            f"| {label} | {s.requests} | {c.fetched:,} | {c.new:,} | {c.closed} | {s.seconds:.1f} s | {rate:.0f} |"
        )


if __name__ == "__main__":
    main()
