"""Structured JSON logs and Prometheus metrics of the HTTP API (one registry per app, no globals)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

LOGGER = logging.getLogger("bassin.api")
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send ``bassin.*`` logs to stderr as JSON lines (called by ``bassin serve``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("bassin")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class _IndexSizes(Collector):
    def __init__(self, counts: Callable[[], dict[str, tuple[int, str]]]) -> None:
        self._counts = counts

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "bassin_index_vectors", "Vectors in each collection's FAISS index.", labels=["collection", "mode"]
        )
        for collection, (count, mode) in self._counts().items():
            family.add_metric([collection, mode], count)
        yield family


class ApiMetrics:
    """Request latency histograms, match-cache outcomes and index sizes, in one registry."""

    def __init__(self, index_counts: Callable[[], dict[str, tuple[int, str]]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "bassin_http_request_duration_seconds",
            "HTTP request latency, by route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.match_cache = Counter(
            "bassin_match_cache_lookups",
            "Match-cache lookups by outcome (hit, miss:<reason>, bypass).",
            ["outcome"],
            registry=self.registry,
        )
        self.rejected = Counter(
            "bassin_http_rejected_requests",
            "Requests refused before reaching an endpoint, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.registry.register(_IndexSizes(index_counts))
