"""What a conversation store keeps and answers, whatever holds it (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Turn:
    """One question and the reply it got. Text fields hold redacted text once a redactor is configured."""

    conversation_id: str
    question: str
    answer: str
    route: str
    signals: tuple[str, ...] = ()
    cited_chunk_ids: tuple[str, ...] = ()
    latency_ms: float = 0.0
    crisis: bool = False  # the reply carried crisis resources because of this turn (route crisis)
    feedback: int | None = None  # +1 thumbs up, -1 thumbs down
    top_score: float | None = None  # the cross-encoder's logit for the quoted passage on an answered turn (how sure), else None
    created_at: datetime = field(default_factory=utcnow)
    id: str = ""


@dataclass(frozen=True)
class CrisisReview:
    """A crisis turn on the staff review list, and who marked it reviewed, when (None: not yet)."""

    turn: Turn
    reviewed_at: datetime | None = None
    reviewed_by: str = ""


@dataclass(frozen=True)
class ConversationSummary:
    conversation_id: str
    started_at: datetime
    last_at: datetime
    turns: int
    crisis_turns: int
    first_question: str
    thumbs_up: int
    thumbs_down: int


class ConversationStore(Protocol):
    def record_turn(self, turn: Turn) -> str:
        """Store a turn; returns its id."""

    def set_feedback(self, turn_id: str, value: int) -> None: ...

    def turns(self, conversation_id: str) -> list[Turn]: ...

    def recent_conversations(self, limit: int = 50) -> list[ConversationSummary]:
        """Most recent first, conversations with a crisis turn before all others."""

    def crisis_turns(self, limit: int = 100) -> list[Turn]: ...

    def crisis_reviews(self, limit: int = 100) -> list[CrisisReview]:
        """The crisis review list, newest first, with who reviewed each turn and when."""

    def mark_reviewed(self, turn_id: str, reviewer: str) -> None:
        """Record that `reviewer` (a staff user name) reviewed the crisis turn `turn_id`, now."""

    def unanswered(self, limit: int = 500) -> list[Turn]:
        """Turns routed not_found or out_of_scope, most recent first."""

    def crisis_counts_by_week(self) -> list[tuple[str, int]]:
        """(ISO week such as 2026-W48, number of crisis referrals), most recent first."""

    def export(self) -> list[Turn]:
        """Every stored turn, oldest first (the staff export and the content gaps read it)."""

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        """Delete turns older than `older_than_days` days before `now` (default: now); returns how many."""

    def healthy(self) -> tuple[bool, str]: ...
