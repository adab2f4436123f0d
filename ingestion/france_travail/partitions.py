"""Partitions of a pull: creation-date windows (whole seconds, both ends included), then départements.

A search reaches at most ``query_cap`` offers (3,150). A partition whose total is above the cap is split:
its window in two halves that share no second, and a one-second window that is still too large into one
partition per département. Halves of an inclusive ``[a, b]`` window are ``[a, m]`` and ``[m + 1 s, b]``, so
the union of the leaves is exactly the root: no offer is lost or fetched twice by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

ONE_SECOND = timedelta(seconds=1)

# The 101 départements as the API's ``departement`` parameter spells them.
DEPARTEMENTS: tuple[str, ...] = (
    *(f"{n:02d}" for n in range(1, 96) if n != 20),
    "2A",
    "2B",
    *(str(n) for n in range(971, 977) if n != 975),
)


def api_date(value: datetime) -> str:
    """The API's date format, ``yyyy-MM-dd'T'hh:mm:ssZ`` (UTC, whole seconds)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def whole_second(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Partition:
    """One search: offers created in ``[start, end]`` (whole seconds), in one département if set."""

    start: datetime
    end: datetime
    departement: str | None = None
    rome: tuple[str, ...] = ()
    split_by_departement: bool = False
    """True for the children of a one-second window split by département (their union may miss offers
    the API places in no département, so an unseen offer there is checked before it is closed)."""

    def params(self) -> dict[str, str]:
        params = {"minCreationDate": api_date(self.start), "maxCreationDate": api_date(self.end), "sort": "1"}
        if self.departement:
            params["departement"] = self.departement
        if self.rome:
            params["codeROME"] = ",".join(self.rome)
        return params

    def split(self) -> list[Partition]:
        """Smaller partitions covering exactly this one; empty when it cannot be split further."""
        if self.end > self.start:
            seconds = int((self.end - self.start).total_seconds())
            middle = self.start + timedelta(seconds=seconds // 2)
            return [
                Partition(self.start, middle, self.departement, self.rome, self.split_by_departement),
                Partition(
                    middle + ONE_SECOND, self.end, self.departement, self.rome, self.split_by_departement
                ),
            ]
        if self.departement is None:
            return [Partition(self.start, self.end, d, self.rome, True) for d in DEPARTEMENTS]
        return []

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "departement": self.departement,
            "rome": list(self.rome),
            "split_by_departement": self.split_by_departement,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Partition:
        return cls(
            datetime.fromisoformat(data["start"]),
            datetime.fromisoformat(data["end"]),
            data.get("departement"),
            tuple(data.get("rome") or ()),
            bool(data.get("split_by_departement")),
        )


def root_partitions(
    since: datetime, until: datetime, departements: tuple[str, ...] = (), rome: tuple[str, ...] = ()
) -> list[Partition]:
    """The partitions a pull starts from: the whole window, once per asked département."""
    start, end = whole_second(since), whole_second(until)
    if not departements:
        return [Partition(start, end, None, rome)]
    return [Partition(start, end, d, rome) for d in departements]
