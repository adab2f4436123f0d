"""The stored candidate: what the CV parser's profile becomes in the system of record."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, Field


class CandidateRecord(BaseModel):
    """A candidate's searchable profile, free of personal data (those travel apart)."""

    external_id: str = Field(min_length=1, max_length=50)
    file_sha256: str
    source_format: str
    title: str | None = None
    summary: str | None = None
    search_text: str = ""
    skill_keys: list[str] = Field(default_factory=list)
    skill_labels: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    contracts: list[str] = Field(default_factory=list)
    remote: bool | None = None
    experience_months: int | None = Field(default=None, ge=0)
    education_level: str | None = None
    location: str | None = None
    department: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    profile: dict[str, Any] = Field(default_factory=dict)
    cv_text: str | None = None

    def content_hash(self) -> str:
        blob = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
