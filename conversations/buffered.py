"""Writes that never block or fail a patient's reply: turns are redacted and written by a background
thread; if the database is down, locked or full they wait in a bounded buffer and are retried, and
the failure is logged and shown in /readyz. Reads go straight to the database."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conversations.base import ConversationStore, ConversationSummary, CrisisReview, Turn
from conversations.redact import NoRedactor, Redactor

log = logging.getLogger(__name__)


@dataclass
class _Op:
    kind: str  # "turn" | "feedback"
    payload: Any


MAX_BUFFER = 10_000  # writes kept while the database is unavailable (Settings.store_buffer's default)


class BufferedStore:
    """A ConversationStore whose writes are redacted and queued (at most `max_buffer`, then the oldest
    is dropped and counted) and written by a background thread; reads go to `inner`."""

    def __init__(self, inner: ConversationStore, redactor: Redactor | None = None, max_buffer: int = MAX_BUFFER, retry_s: float = 2.0) -> None:
        self.inner = inner
        self.redactor = redactor or NoRedactor()
        self.max_buffer = max_buffer
        self.retry_s = retry_s
        self._queue: deque[_Op] = deque()
        self._cond = threading.Condition()
        self.dropped = 0
        self.written = 0
        self.last_error = ""
        self.last_error_at = 0.0
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="conversation-writer", daemon=True)
        self._thread.start()

    # --- writes: queued ---------------------------------------------------------------------------
    def record_turn(self, turn: Turn) -> str:
        turn.id = turn.id or uuid.uuid4().hex
        self._enqueue(_Op("turn", turn))
        return turn.id

    def set_feedback(self, turn_id: str, value: int) -> None:
        self._enqueue(_Op("feedback", (turn_id, value)))

    def _enqueue(self, op: _Op) -> None:
        with self._cond:
            if len(self._queue) >= self.max_buffer:
                self._queue.popleft()  # bounded: the oldest waiting write is lost, and counted
                self.dropped += 1
                log.error("conversation buffer full (%d): dropped the oldest waiting write", self.max_buffer)
            self._queue.append(op)
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stop:
                    self._cond.wait(timeout=1.0)
                if self._stop and not self._queue:
                    return
                op = self._queue[0]
            try:
                self._apply(op)
            except Exception as exc:  # the database is down, locked, or full: keep the write, retry later
                self.last_error, self.last_error_at = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}", time.time()
                log.warning("conversation store unavailable, %d write(s) buffered: %s", len(self._queue), self.last_error)
                reset = getattr(self.inner, "reset", None)
                if callable(reset):
                    reset()  # retry on fresh connections
                time.sleep(self.retry_s)
                continue
            with self._cond:
                if self._queue and self._queue[0] is op:
                    self._queue.popleft()
                self.written += 1
                if not self._queue:
                    self.last_error = ""
                self._cond.notify_all()

    def _apply(self, op: _Op) -> None:
        if op.kind == "turn":
            turn: Turn = op.payload
            if not getattr(turn, "_redacted", False):
                turn.question = self.redactor.redact(turn.question)
                turn._redacted = True  # type: ignore[attr-defined]
            self.inner.record_turn(turn)
        else:
            self.inner.set_feedback(*op.payload)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Wait until every buffered write is stored (tests, shutdown)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._queue and time.monotonic() < deadline:
                self._cond.wait(timeout=0.05)
            return not self._queue

    def close(self, timeout_s: float = 10.0) -> None:
        """Flush (shutdown); writes still unwritten after `timeout_s` are dropped, counted and logged."""
        self.flush(timeout_s)
        with self._cond:
            self._stop = True
            lost = len(self._queue)
            if lost:
                self.dropped += lost
                self._queue.clear()
                log.error("shutting down with %d conversation write(s) not stored: dropped (%d dropped in all)", lost, self.dropped)
            self._cond.notify_all()
        self._thread.join(timeout=5)

    @property
    def buffered(self) -> int:
        return len(self._queue)

    # --- reads: direct ----------------------------------------------------------------------------
    def turns(self, conversation_id: str) -> list[Turn]:
        return self.inner.turns(conversation_id)

    def recent_conversations(self, limit: int = 50) -> list[ConversationSummary]:
        return self.inner.recent_conversations(limit)

    def crisis_turns(self, limit: int = 100) -> list[Turn]:
        return self.inner.crisis_turns(limit)

    def unanswered(self, limit: int = 500) -> list[Turn]:
        return self.inner.unanswered(limit)

    def crisis_reviews(self, limit: int = 100) -> list[CrisisReview]:
        return self.inner.crisis_reviews(limit)

    def mark_reviewed(self, turn_id: str, reviewer: str) -> None:
        self.inner.mark_reviewed(turn_id, reviewer)  # a staff action: written at once, its error shown to staff

    def crisis_counts_by_week(self) -> list[tuple[str, int]]:
        return self.inner.crisis_counts_by_week()

    def healthy(self) -> tuple[bool, str]:
        ok, detail = self.inner.healthy()
        state = f"{detail}; redaction: {self.redactor.name}; buffered writes: {self.buffered}; dropped: {self.dropped}"
        if self.last_error:
            return False, f"{state}; last error: {self.last_error}"
        return ok, state

    def export(self) -> list[Turn]:
        return self.inner.export()  # turns still waiting in the buffer are not in it yet

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        return self.inner.purge(older_than_days, now)
