"""`app.py serve`: model and index loaded once, then uvicorn serves the API, the chat and the console."""

from __future__ import annotations

import logging
import sys

import uvicorn

from cli.logs import configure_json_logging
from cli.wiring import conversation_store, index_store, ingest_options, load_assistant, resolve_sources
from settings import Settings
from web.auth import StaffCredentials
from web.server import create_app
from web.service import ChatService, RateLimiter

log = logging.getLogger("softreboot.serve")


def build_service(settings: Settings) -> ChatService:
    assistant = load_assistant(settings)
    service = ChatService(
        assistant,
        conversation_store(settings),
        index_store(settings),
        ingest_options(settings),
        resolve_sources(None, settings),
        RateLimiter(settings.rate_limit_per_minute),
        log_message_text=settings.log_message_text,
    )
    current = service.index_store.current_name()
    if current and current != assistant.version.name:
        service.rollback_problems = [f"current version {current} could not be loaded; serving {assistant.version.name}"]
    return service


def purge_daily(service: ChatService, retention_days: int) -> None:
    """Apply the retention period now and once a day."""
    import threading
    import time

    def loop() -> None:
        while True:
            try:
                removed = service.store.purge(retention_days)
                log.info("retention purge", extra={"removed_turns": removed, "retention_days": retention_days})
            except Exception:
                log.exception("retention purge failed")
            time.sleep(24 * 3600)

    threading.Thread(target=loop, name="retention-purge", daemon=True).start()


def staff_credentials(settings: Settings) -> StaffCredentials | None:
    if not settings.staff_console:
        log.warning("staff console disabled (SOFTREBOOT_STAFF_CONSOLE=false)")
        return None
    credentials = StaffCredentials.from_settings(settings.staff_username, settings.staff_password_hash)
    if credentials.generated_password:
        print(
            f"staff console: no SOFTREBOOT_STAFF_PASSWORD_HASH set, so this run uses user {credentials.username!r} "
            f"with the one-time password {credentials.generated_password!r} (set a hash with `python app.py hash-password`)",
            file=sys.stderr,
        )
    return credentials


def serve_command(settings: Settings) -> int:
    """Load the model and the index, then serve until stopped. An index that cannot be loaded
    (IndexStoreError), a cross-encoder whose files are missing or altered (RerankerError) or an unusable
    database URL (StoreError) is raised before anything listens: `cli.errors` says it in one line."""
    configure_json_logging()
    service = build_service(settings)
    service.watch_index(settings.index_poll_s)
    purge_daily(service, settings.retention_days)
    app = create_app(service, embed_origins=settings.embed_origins, staff=staff_credentials(settings))  # the chat box's limit: the assistant's
    print(f"serving on http://{settings.host}:{settings.port}/chat/ (index {service.assistant.version.name})", file=sys.stderr)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies)
    finally:
        getattr(service.store, "close", lambda: None)()  # SIGTERM: buffered turns are written, or their loss is logged and counted
    return 0
