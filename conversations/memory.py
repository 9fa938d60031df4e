"""An in-memory conversation store (tests, and a deployment without a database URL)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from conversations.base import ConversationSummary, CrisisReview, Turn


class MemoryStore:
    def __init__(self, max_turns: int = 100_000) -> None:
        self._turns: dict[str, Turn] = {}
        self._reviews: dict[str, tuple[datetime, str]] = {}  # turn id -> (when, who)
        self._lock = threading.Lock()
        self.max_turns = max_turns

    def record_turn(self, turn: Turn) -> str:
        with self._lock:
            turn.id = turn.id or uuid.uuid4().hex
            self._turns[turn.id] = turn
            while len(self._turns) > self.max_turns:
                self._turns.pop(next(iter(self._turns)))
            return turn.id

    def set_feedback(self, turn_id: str, value: int) -> None:
        with self._lock:
            if turn_id in self._turns:
                self._turns[turn_id].feedback = value

    def turns(self, conversation_id: str) -> list[Turn]:
        with self._lock:
            return sorted((t for t in self._turns.values() if t.conversation_id == conversation_id), key=lambda t: t.created_at)

    def recent_conversations(self, limit: int = 50) -> list[ConversationSummary]:
        with self._lock:
            groups: dict[str, list[Turn]] = {}
            for turn in self._turns.values():
                groups.setdefault(turn.conversation_id, []).append(turn)
        summaries = [summarize(cid, sorted(ts, key=lambda t: t.created_at)) for cid, ts in groups.items()]
        summaries.sort(key=lambda s: s.last_at, reverse=True)
        summaries.sort(key=lambda s: s.crisis_turns == 0)  # stable: crisis conversations first
        return summaries[:limit]

    def crisis_turns(self, limit: int = 100) -> list[Turn]:
        with self._lock:
            return sorted((t for t in self._turns.values() if t.crisis), key=lambda t: t.created_at, reverse=True)[:limit]

    def crisis_reviews(self, limit: int = 100) -> list[CrisisReview]:
        with self._lock:
            reviews = dict(self._reviews)
        return [CrisisReview(t, *reviews.get(t.id, (None, ""))) for t in self.crisis_turns(limit)]

    def mark_reviewed(self, turn_id: str, reviewer: str) -> None:
        with self._lock:
            if turn_id in self._turns and self._turns[turn_id].crisis:
                self._reviews[turn_id] = (datetime.now(UTC), reviewer)

    def unanswered(self, limit: int = 500) -> list[Turn]:
        with self._lock:
            found = [t for t in self._turns.values() if t.route in ("not_found", "out_of_scope")]
        return sorted(found, key=lambda t: t.created_at, reverse=True)[:limit]

    def crisis_counts_by_week(self) -> list[tuple[str, int]]:
        with self._lock:
            weeks = Counter(iso_week(t) for t in self._turns.values() if t.crisis)
        return sorted(weeks.items(), reverse=True)

    def export(self) -> list[Turn]:
        with self._lock:
            return sorted(self._turns.values(), key=lambda t: t.created_at)

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
        with self._lock:
            old = [k for k, t in self._turns.items() if t.created_at < cutoff]
            for key in old:
                del self._turns[key]
            return len(old)

    def healthy(self) -> tuple[bool, str]:
        return True, "in memory"


def iso_week(turn: Turn) -> str:
    year, week, _ = turn.created_at.isocalendar()
    return f"{year}-W{week:02d}"


def summarize(conversation_id: str, turns: list[Turn]) -> ConversationSummary:
    return ConversationSummary(
        conversation_id=conversation_id,
        started_at=turns[0].created_at,
        last_at=turns[-1].created_at,
        turns=len(turns),
        crisis_turns=sum(t.crisis for t in turns),
        first_question=turns[0].question,
        thumbs_up=sum(t.feedback == 1 for t in turns),
        thumbs_down=sum(t.feedback == -1 for t in turns),
    )
