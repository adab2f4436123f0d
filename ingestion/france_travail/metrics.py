"""Prometheus counters of the connector (one registry per process, no globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class SyncMetrics:
    """Offers fetched, new, updated and closed, errors by kind, and the time of the last good run."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.fetched = Counter(
            "bassin_ft_offers_fetched", "Offers received from the France Travail API.", registry=self.registry
        )
        self.new = Counter(
            "bassin_ft_offers_new", "Offers stored for the first time.", registry=self.registry
        )
        self.updated = Counter(
            "bassin_ft_offers_updated", "Stored offers whose content changed.", registry=self.registry
        )
        self.closed = Counter(
            "bassin_ft_offers_closed", "Offers closed (no longer published).", registry=self.registry
        )
        self.errors = Counter(
            "bassin_ft_errors",
            "Errors: retried HTTP answers (retry:<reason>), rejected offers, failed runs.",
            ["kind"],
            registry=self.registry,
        )
        self.last_success = Gauge(
            "bassin_ft_last_success_timestamp_seconds",
            "When the last run finished without error (Unix time).",
            registry=self.registry,
        )
