"""Typed settings. Instantiated only at the edges (CLI, API, UI, eval runner); services get plain values."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of Bassin, read from ``BASSIN_*`` environment variables and ``.env``."""

    model_config = SettingsConfigDict(env_prefix="BASSIN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Holds every store: SQL, FAISS, lexical index.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file inside data_dir."
    )
    embedding_model: str = Field(
        default="use-multilingual",
        description="'use-multilingual' or 'sentence-transformers:<name-or-path>'.",
    )
    embedding_batch_size: int = 64
    lexical_backend: Literal["embedded", "elasticsearch"] = "embedded"
    elasticsearch_url: str | None = None
    elasticsearch_api_key: SecretStr | None = None
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_ca_certs: Path | None = None
    elasticsearch_index_prefix: str = "bassin"
    vector_exact_threshold: int = Field(
        default=50_000, description="Below this many vectors FAISS uses exact inner product; above, IVF."
    )
    fusion: Literal["rrf", "weighted"] = "rrf"
    fusion_lexical_weight: float = 0.5
    rrf_k: int = 60
    llm_provider: Literal["offline", "mistral", "openai"] = Field(
        default="mistral",
        description="Chat model of the agent; without the provider's API key (or, for 'openai', a base URL) "
        "the offline planner answers instead.",
    )
    llm_model: str | None = Field(
        default=None, description="Model name; default 'mistral-small-latest' or 'gpt-4o-mini'."
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible server (Ollama, vLLM, llama.cpp), e.g. 'http://localhost:11434/v1'.",
    )
    mistral_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("BASSIN_MISTRAL_API_KEY", "MISTRAL_API_KEY")
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("BASSIN_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    offers_api_url: str | None = Field(
        default=None,
        description="Offer-details API base URL (GET /offers?ids=…); the local store when unset.",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'bassin.db').resolve()}"

    @property
    def effective_lexical_backend(self) -> Literal["embedded", "elasticsearch"]:
        """Elasticsearch when a URL is set, the embedded engine otherwise."""
        if self.elasticsearch_url:
            return "elasticsearch"
        return self.lexical_backend
