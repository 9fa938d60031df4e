"""The one configuration object. Every field has a default and a description, and can be set
from an environment variable named SOFTREBOOT_<FIELD> (e.g. SOFTREBOOT_DATA_DIR=/srv/faq).
Only `app.py` reads it; packages receive plain values from it."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatbot.types import MAX_QUESTION_CHARS
from conversations.buffered import MAX_BUFFER
from conversations.redact import DEFAULT_REDACTION
from ingest import ChunkingConfig, FetchLimits
from ingest.feed import DEFAULT_MAX_PAGES

_CHUNKING, _LIMITS = ChunkingConfig(), FetchLimits()  # the packages' own defaults, written once there

PROJECT_DIR = Path(__file__).resolve().parent
SAMPLE_FEED = PROJECT_DIR / "data" / "sample-feed.xml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOFTREBOOT_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="All state: index versions, conversation database.")
    feed_sources: list[str] = Field([str(SAMPLE_FEED)], description="Default feed files or URLs for `ingest` (JSON list in the environment).")

    # ingest and index
    index_factory: str = Field("Flat", description="FAISS index_factory string (inner product). 'Flat' is exact; 'HNSW32' for very large sites.")
    chunk_max_tokens: int = Field(_CHUNKING.max_tokens, description="Upper bound of a chunk's text in cl100k tokens.")
    chunk_overlap_tokens: int = Field(_CHUNKING.overlap_tokens, description="Sentences repeated between consecutive chunks, up to this many tokens.")
    fetch_timeout_s: float = Field(_LIMITS.timeout_s, description="Timeout for each feed request and for its whole download.")
    fetch_max_bytes: int = Field(_LIMITS.max_bytes, description="Largest feed page accepted, in bytes.")
    feed_max_pages: int = Field(DEFAULT_MAX_PAGES, description="Most WordPress feed pages (?paged=N) followed per source.")
    keep_versions: int = Field(3, description="Index versions kept on disk for rollback (at least 2).")

    # answering
    max_question_chars: int = Field(MAX_QUESTION_CHARS, description="Longest message accepted.")

    # optional generated phrasing (the extractive answer stays the default)
    generator: str = Field("extractive", description="extractive, openai (any OpenAI-compatible endpoint) or llamacpp (a local GGUF file).")
    generator_model: str = Field("", description="Model name (openai) or GGUF path (llamacpp).")
    generator_base_url: str = Field("", description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1.")
    generator_api_key: str = Field("not-needed", description="API key for the openai generator.")
    generator_timeout_s: float = Field(20.0, description="Longest wait for a draft; then the extractive answer.")
    generator_max_tokens: int = Field(220, description="Token budget of a draft.")
    generator_judge: bool = Field(False, description="Also ask the model whether each kept sentence is supported.")

    # serving
    host: str = Field("127.0.0.1", description="Bind address of `serve` (0.0.0.0 to listen on every interface).")
    port: int = Field(8000, ge=1, le=65535, description="Port of `serve`.")
    embed_origins: list[str] = Field(
        ["http://localhost:*", "http://127.0.0.1:*"],
        description="Sites allowed to frame the patient chat (CSP frame-ancestors), besides the app's own origin (JSON list).",
    )
    rate_limit_per_minute: int = Field(20, description="Messages per client per minute on /chat and /api/ask (0: no limit).")
    staff_username: str = Field("staff", description="Staff console user name.")
    staff_password_hash: str | None = Field(
        None, description="scrypt hash of the staff password (`python app.py hash-password`); unset: a random password is printed once at start-up."
    )
    staff_console: bool = Field(True, description="Serve the staff console at /staff.")

    # conversation store
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the conversation store; unset: SQLite (WAL) at DATA_DIR/conversations.db. PostgreSQL for several replicas."
    )
    redaction: str = Field(DEFAULT_REDACTION, description="How patient messages are redacted before storing: presidio, patterns, or none.")
    retention_days: int = Field(90, ge=0, description="Conversations older than this are deleted by `app.py purge` (and daily by `serve`).")
    store_buffer: int = Field(MAX_BUFFER, description="Writes kept in memory while the database is unavailable; beyond this the oldest is dropped.")

    # operations
    index_poll_s: float = Field(10.0, description="How often `serve` checks for a newly published index version (replicas pick it up).")
    trusted_proxies: str = Field(
        "127.0.0.1", description="Proxies whose X-Forwarded-For is trusted for client addresses (comma list of the proxies' own addresses)."
    )
    log_message_text: bool = Field(False, description="Include patient message text in the JSON logs (off: health information stays out of logs).")

    def conversation_db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'conversations.db').resolve()}"
