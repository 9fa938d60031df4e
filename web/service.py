"""What the web surfaces share: the current assistant (swapped in place after a re-ingest), the
conversation store, the rate limiter, and the staff's re-ingest job."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chatbot.assistant import Assistant
from chatbot.types import Answer, Message
from conversations import ConversationStore, Turn
from index import IndexStore, IndexStoreError, IngestOptions, IngestReport
from ingest import IngestError
from web.errors import IngestFailedError
from web.ingest_worker import run_ingest_in_child
from web.metrics import Metrics

log = logging.getLogger(__name__)


class RateLimiter:
    """Sliding-window limit per client: at most `limit` requests in `window_s` seconds."""

    def __init__(self, limit: int, window_s: float = 60.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.limit <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients
                for key in [k for k, v in self._hits.items() if not v or now - v[-1] > self.window_s]:
                    del self._hits[key]
            return True


@dataclass
class IngestJob:
    """The staff console's re-ingest: one at a time, progress visible, errors kept."""

    running: bool = False
    stage: str = ""
    done: int = 0
    total: int = 0
    report: IngestReport | None = None
    error: str = ""
    finished_at: float = 0.0
    worker: dict[str, int] = field(default_factory=dict)  # the ingest process: pid, nice, torch_threads
    _lock: threading.Lock = field(default_factory=threading.Lock)


class ChatService:
    def __init__(
        self,
        assistant: Assistant,
        store: ConversationStore,
        index_store: IndexStore,
        ingest_options: IngestOptions,
        sources: Sequence[str],
        limiter: RateLimiter,
        metrics: Metrics | None = None,
        log_message_text: bool = False,
    ) -> None:
        self._assistant = assistant
        self.metrics = metrics or Metrics()
        self.metrics.set_index(assistant.version.name)
        self.log_message_text = log_message_text
        self.rollback_problems: list[str] = []
        self.store = store
        self.index_store = index_store
        self.ingest_options = ingest_options
        self.sources = list(sources)
        self.limiter = limiter
        self.job = IngestJob()
        self._swap_lock = threading.Lock()
        self.store_errors = 0

    @property
    def assistant(self) -> Assistant:
        return self._assistant

    def ask(self, question: str, history: Sequence[Message], conversation_id: str, client: str, surface: str = "api") -> tuple[Answer, str]:
        """Answer (rate limit and crisis first), record the turn, return the answer and the turn id."""
        assistant = self._assistant  # one version for the whole request, even if a swap happens meanwhile
        answer = assistant.rate_limited(question, history) if not self.limiter.allow(client) else assistant.safe_ask(question, history)
        self.metrics.observe(surface, answer)
        extra: dict[str, Any] = {"surface": surface, "route": answer.route, "latency_ms": round(answer.latency_ms, 1), "index": assistant.version.name}
        if answer.signals:
            extra["signals"] = [s.split("=", 1)[0] for s in answer.signals]  # which layers fired, not the matched text
        if self.log_message_text:
            extra["question"] = answer.question
        log.info("reply", extra=extra)
        return answer, self.record(conversation_id, answer)

    def record(self, conversation_id: str, answer: Answer) -> str:
        turn = Turn(
            conversation_id=conversation_id,
            question=answer.question,
            answer=answer.text,
            route=answer.route,
            signals=answer.signals,
            cited_chunk_ids=answer.trace.cited_chunk_ids,
            latency_ms=answer.latency_ms,
            crisis=answer.route == "crisis",
            top_score=round(answer.trace.reranked[0][1], 4) if answer.route == "answered" and answer.trace.reranked else None,
        )
        try:
            return self.store.record_turn(turn)
        except Exception:  # a patient's answer never depends on the database
            self.store_errors += 1
            log.exception("could not record a turn")
            return ""

    def feedback(self, turn_id: str, liked: bool) -> None:
        if not turn_id:
            return
        try:
            self.store.set_feedback(turn_id, 1 if liked else -1)
        except Exception:
            self.store_errors += 1
            log.exception("could not record feedback")

    # --- re-ingest, served without a restart -------------------------------------------------------
    def start_reingest(self, sources: Sequence[str] | None = None) -> bool:
        """Start a background re-ingest; False if one is already running."""
        with self.job._lock:
            if self.job.running:
                return False
            self.job.running, self.job.error, self.job.report, self.job.done, self.job.total = True, "", None, 0, 0
            self.job.worker = {}
            self.job.stage = "starting"
        threading.Thread(target=self._reingest, args=(list(sources or self.sources),), daemon=True).start()
        return True

    def _reingest(self, sources: list[str]) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.job.stage, self.job.done, self.job.total = stage, done, total

        try:
            # its own low-priority process with one thread: serving the chat comes first (web/ingest_worker.py)
            report = run_ingest_in_child(
                sources, self.index_store.root.parent, self.ingest_options, progress, self.index_store.keep_versions, on_worker=self.job.worker.update
            )
            self.job.report = report
            if report.published:
                self.job.stage = "switching to the new version"
                self.swap_to_current()
        except (IngestFailedError, IngestError, IndexStoreError) as exc:
            self.job.error = str(exc)
        except Exception as exc:  # a failed ingest must never take the served index down
            log.exception("re-ingest failed")
            self.job.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.job.running, self.job.finished_at = False, time.time()

    def swap_to_current(self) -> None:
        """Serve the newly published version; the old one keeps answering requests already under way."""
        with self._swap_lock:
            embedder = self._assistant.embedder
            version, _ = self.index_store.load_serving(embedder.name, embedder.dimension)
            if version.name != self._assistant.version.name:
                self._assistant = self._assistant.with_version(version)
                self.metrics.set_index(version.name)
                log.info("now serving index version %s", version.name)

    def watch_index(self, interval_s: float) -> None:
        """Pick up versions published by another process (a replica's or a cron ingest) without a restart."""

        def loop() -> None:
            while True:
                time.sleep(interval_s)
                try:
                    if self.index_store.current_name() != self._assistant.version.name:
                        self.swap_to_current()
                except Exception:
                    log.exception("could not switch to the newly published index version")

        threading.Thread(target=loop, name="index-watcher", daemon=True).start()

    def readiness(self) -> dict[str, Any]:
        try:
            ok, detail = self.store.healthy()
        except Exception as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        buffered = getattr(self.store, "buffered", 0)
        self.metrics.store_buffered.set(buffered)
        index = self._assistant.version.summary()
        if self.rollback_problems:
            index["rolled_back_from"] = self.rollback_problems
        return {"index": index, "store": {"ok": ok, "detail": detail, "buffered_writes": buffered, "write_errors": self.store_errors}}


def new_conversation_id() -> str:
    return uuid.uuid4().hex
