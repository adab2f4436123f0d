"""The one ``Settings`` of Bassin, read only at the edges (CLI, API, UI, LangGraph server, eval runner).

Every knob is a ``BASSIN_*`` environment variable (or a line of ``.env``), grouped below by concern: stores,
search, agent, scoring, HTTP API, chat UI. Below the edges, services receive plain values: ``app.services``
builds them from a ``Settings``, the API turns its group into ``api.config.ApiConfig``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.vocabulary import Role


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bassin"


class UiUser(BaseModel):
    """A login: name, password (plain, or ``pbkdf2_sha256$…`` from ``ui.auth.hash_password``) and role."""

    name: str = Field(min_length=1, max_length=100)
    password: SecretStr
    role: Role = "candidate"


class Settings(BaseSettings):
    """Every knob of Bassin, read from ``BASSIN_*`` environment variables and ``.env``."""

    model_config = SettingsConfigDict(env_prefix="BASSIN_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Holds every store: SQL, FAISS, lexical index.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite file inside data_dir."
    )
    cache_dir: Path = Field(
        default_factory=lambda: _user_cache_dir(),
        description="Built referentials and model weights in a fast binary form, keyed by the hash of their "
        "sources (safe to delete); default $XDG_CACHE_HOME/bassin or ~/.cache/bassin.",
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
    vector_backend: Literal["faiss", "elasticsearch", "pgvector"] = Field(
        default="faiss",
        description="Where vectors live: FAISS files in data_dir (one process), Elasticsearch dense_vector "
        "(needs BASSIN_ELASTICSEARCH_URL) or pgvector (needs a PostgreSQL BASSIN_DATABASE_URL); the last two "
        "are shared by every instance.",
    )
    vector_exact_threshold: int = Field(
        default=50_000, description="Below this many vectors FAISS uses exact inner product; above, IVF."
    )
    crash_at: str | None = Field(
        default=None,
        description="Tests only: a step of domain.crash_points.STEPS where a write command kills itself "
        "(SIGKILL), to check that a re-run and `bassin sync` recover from a crash at that very step.",
    )
    fusion: Literal["rrf", "weighted"] = "rrf"
    fusion_lexical_weight: float = 0.5
    rrf_k: int = 60
    server_url: str | None = Field(
        default=None,
        description="A running `bassin serve` (e.g. 'http://127.0.0.1:8000'): `bassin ask` sends the question "
        "there and answers at once instead of loading the engine itself.",
    )
    server_api_key: SecretStr | None = Field(
        default=None, description="X-API-Key sent to server_url when its write endpoints require one."
    )
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
    llm_mode: Literal["agent", "phrase"] = Field(
        default="agent",
        description="'agent': the LLM plans tool calls and answers; 'phrase': the offline planner reads the "
        "request and runs the tools, the LLM only words the answer (for small local models).",
    )
    llm_timeout_s: float = Field(
        default=60.0, gt=0, description="Per model call; past it the offline planner answers the turn."
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed model call (connection, 5xx, timeout)."
    )
    llm_max_tokens: int | None = Field(
        default=None, ge=16, description="Longest model answer in tokens (none: the server's limit)."
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

    # --- France Travail "Offres d'emploi v2" connector (bassin ingest france-travail) ------------------
    ft_client_id: str | None = Field(default=None, description="OAuth2 client id of the France Travail app.")
    ft_client_secret: SecretStr | None = Field(
        default=None, description="OAuth2 client secret (never logged)."
    )
    ft_api_url: str = Field(
        default="https://api.francetravail.io/partenaire/offresdemploi/v2",
        description="Base of the offers API (…/offres/search, …/offres/{id}).",
    )
    ft_token_url: str = Field(
        default="https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire",
        description="OAuth2 token endpoint (client credentials).",
    )
    ft_scope: str = Field(default="api_offresdemploiv2 o2dsoffre", description="OAuth2 scope asked for.")
    ft_rate_per_second: float = Field(
        default=9.0, gt=0, description="Requests per second sent to the API (its quota is 10/s)."
    )
    ft_max_retries: int = Field(
        default=6, ge=0, description="Retries of a request answered 429, 5xx or timeout."
    )
    ft_timeout_s: float = Field(default=30.0, gt=0, description="Timeout of one HTTP request.")
    ft_recheck_after_days: float = Field(
        default=7.0, gt=0, description="Open offers unconfirmed for this long are re-checked one by one."
    )
    ft_recheck_limit: int = Field(default=500, ge=0, description="Offers re-checked at most per run.")
    ft_page_size: int = Field(default=150, ge=1, description="Offers per search page (the API's maximum).")
    ft_max_start: int = Field(
        default=3000, ge=0, description="Largest first index of a page (the API's per-query cap)."
    )
    ft_backoff_base_s: float = Field(default=0.5, gt=0, description="First retry delay without Retry-After.")

    # --- scoring ---------------------------------------------------------------------------------------
    reranker_model: str | None = Field(
        default=None, description="Cross-encoder model directory (or cached name); unset: no re-ranking."
    )
    rerank_top_k: int = Field(default=20, ge=1, le=200)
    rerank_budget_ms: float | None = Field(default=1500.0, gt=0)

    # --- HTTP API (bassin serve) ------------------------------------------------------------------------
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Keys accepted in X-API-Key by the write endpoints (comma-separated); none: writes refused.",
    )
    api_max_body_bytes: int = Field(default=2_000_000, ge=1_024, description="Largest request body accepted.")
    api_rate_limit_per_minute: float = Field(
        default=600.0,
        ge=0,
        description="Requests per minute per valid API key (per client address without one); 0: no limit.",
    )
    api_rate_limit_burst: int = Field(
        default=60, ge=1, description="Requests allowed at once above the rate."
    )
    api_max_offer_ids: int = Field(default=100, ge=1, le=1_000, description="Ids per GET /offers.")
    api_max_embedding_texts: int = Field(
        default=64, ge=1, le=1_024, description="Texts per POST /embeddings."
    )
    api_max_text_chars: int = Field(default=20_000, ge=100, description="Characters per text to embed.")
    api_max_embedding_chars: int = Field(
        default=100_000,
        ge=100,
        description="Characters per POST /embeddings, all texts together (with a key).",
    )
    api_anonymous_embedding_chars: int = Field(
        default=2_000,
        ge=0,
        description="Characters per POST /embeddings without a valid key (0: key needed).",
    )
    api_anonymous_embedding_chars_per_minute: float = Field(
        default=20_000.0, ge=0, description="Characters per minute and client address embedded without a key."
    )
    api_auth_failures_per_minute: float = Field(
        default=10.0, ge=0, description="Write requests without a valid key allowed per minute and address."
    )
    api_auth_failure_burst: int = Field(
        default=10, ge=1, description="Write requests without a valid key allowed at once before 429."
    )
    api_max_upsert_items: int = Field(default=256, ge=1, le=10_000, description="Items per /faiss write.")
    api_writer_wait_s: float = Field(
        default=2.0,
        ge=0,
        description="How long an API write waits for the data's writer lock (held by a `bassin ingest`, "
        "`delete`, `sync`… or another API write) before answering 409 with Retry-After and the holder.",
    )
    api_workers: int = Field(default=1, ge=1, description="Server processes (FAISS writes need exactly 1).")
    match_cache_ttl_hours: float = Field(
        default=24.0, gt=0, description="Cached matches older are recomputed."
    )
    match_cache_depth: int = Field(default=50, ge=1, le=100, description="Results cached per profile.")
    offers_changed_poll_s: float = Field(
        default=5.0,
        ge=0,
        description="How long the 'offers changed at' time is reused before asking SQL again.",
    )

    # --- chat UI (chainlit_app.py) -------------------------------------------------------------------
    # BASSIN_UI_USERS='[{"name": "camille", "password": "…", "role": "candidate"}]'
    ui_users: list[UiUser] = Field(
        default_factory=list, description="Who may log in, with their role; nobody when empty."
    )
    ui_auth_secret: SecretStr | None = Field(
        default=None,
        description="Signs session tokens; default a random secret kept in <data_dir>/ui/auth_secret.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

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

    def auth_secret(self) -> str:
        """The configured secret, or one generated once per data dir (sessions survive restarts)."""
        if self.ui_auth_secret is not None:
            return self.ui_auth_secret.get_secret_value()
        path = Path(self.data_dir) / "ui" / "auth_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
