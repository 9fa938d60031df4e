"""The conversation store: every turn kept (redacted), crisis turns listed for review with anonymous
weekly counts, retention, export, and answers that never wait for the database.
Runs against SQLite, and against PostgreSQL when SOFTREBOOT_TEST_POSTGRES_URL is set (.ci/run starts one)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from conversations import BufferedStore, StoreError, Turn, export_csv, export_json
from conversations.redact import PatternRedactor, PresidioRedactor
from conversations.sql import SqlStore

POSTGRES = os.environ.get("SOFTREBOOT_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES, reason="SOFTREBOOT_TEST_POSTGRES_URL not set"))]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        yield SqlStore(f"sqlite:///{tmp_path / 'conversations.db'}")
        return
    assert POSTGRES
    sql = SqlStore(POSTGRES)
    with sql.engine.begin() as db:
        db.execute(text("TRUNCATE turns, crisis_reviews, crisis_weekly"))
    yield sql
    sql.engine.dispose()


def turn(conversation: str, question: str, route: str = "answered", minutes_ago: float = 0, **kw: object) -> Turn:
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return Turn(conversation, question, f"reply to {question}", route, crisis=route == "crisis", created_at=created, id=uuid.uuid4().hex, **kw)  # type: ignore[arg-type]


def test_schema_comes_from_alembic_migrations(store: SqlStore) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {"turns", "crisis_reviews", "crisis_weekly", "alembic_version"} <= tables
    with store.engine.connect() as db:
        assert db.execute(text("select version_num from alembic_version")).scalar() == "0002"
    SqlStore(store.url)  # migrating again is a no-op


def test_every_turn_is_stored_with_route_signals_citations_and_feedback(store: SqlStore) -> None:
    t = turn("c1", "What is SGB?", signals=("lexicon:x",), cited_chunk_ids=("abc", "def"), latency_ms=12.5)
    store.record_turn(t)
    store.set_feedback(t.id, 1)
    [back] = store.turns("c1")
    assert (back.question, back.route, back.signals, back.cited_chunk_ids, back.feedback, round(back.latency_ms, 1)) == (
        "What is SGB?",
        "answered",
        ("lexicon:x",),
        ("abc", "def"),
        1,
        12.5,
    )


def test_crisis_turns_come_first_with_weekly_counts(store: SqlStore) -> None:
    store.record_turn(turn("calm", "What is KAP?", minutes_ago=1))
    store.record_turn(turn("risk", "i want to die", route="crisis", minutes_ago=30))
    store.record_turn(turn("risk", "What is SGB?", minutes_ago=29))
    conversations = store.recent_conversations()
    assert [c.conversation_id for c in conversations] == ["risk", "calm"]
    assert conversations[0].crisis_turns == 1 and conversations[0].turns == 2 and conversations[0].first_question == "i want to die"
    assert [t.question for t in store.crisis_turns()] == ["i want to die"]
    week = datetime.now(UTC).isocalendar()
    assert store.crisis_counts_by_week()[0] == (f"{week[0]}-W{week[1]:02d}", 1)


@pytest.mark.parametrize("kind", ["sql", "memory"])
def test_marking_a_crisis_turn_reviewed_records_who_and_when(store: SqlStore, kind: str) -> None:
    from conversations import MemoryStore

    target = store if kind == "sql" else MemoryStore()
    first, second = turn("c1", "i want to die", "crisis", minutes_ago=5), turn("c2", "no reason to live", "crisis")
    target.record_turn(first)
    target.record_turn(second)
    assert [(r.turn.id, r.reviewed_at, r.reviewed_by) for r in target.crisis_reviews()] == [(second.id, None, ""), (first.id, None, "")]
    before = datetime.now(UTC)
    target.mark_reviewed(first.id, "dr.lee")
    reviews = {r.turn.id: r for r in target.crisis_reviews()}
    assert reviews[first.id].reviewed_by == "dr.lee" and reviews[first.id].reviewed_at is not None
    assert before - timedelta(seconds=1) <= reviews[first.id].reviewed_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert reviews[second.id].reviewed_at is None  # only the one marked


def test_an_answered_turn_keeps_how_sure_it_was(store: SqlStore) -> None:
    store.record_turn(turn("c1", "What is SGB?", top_score=0.42))
    store.record_turn(turn("c1", "hi", "social"))
    assert [t.top_score for t in store.turns("c1")] == [0.42, None]


def test_retention_purge_keeps_the_anonymous_counts(store: SqlStore) -> None:
    store.record_turn(turn("old", "i want to die", route="crisis", minutes_ago=60 * 24 * 100))
    store.record_turn(turn("new", "What is KAP?"))
    assert store.purge(90) == 1
    assert [t.conversation_id for t in store.export()] == ["new"] and store.crisis_turns() == []
    assert sum(n for _, n in store.crisis_counts_by_week()) == 1


def test_export_flags_crisis_turns(store: SqlStore) -> None:
    store.record_turn(turn("c", "i want to die", route="crisis"))
    store.record_turn(turn("c", "What is KAP?"))
    rows = json.loads(export_json(store.export()))
    assert [r["crisis"] for r in rows] == [True, False]
    assert export_csv(store.export()).splitlines()[1].split(",")[3] == "CRISIS"


def test_unanswered_lists_not_found_and_out_of_scope(store: SqlStore) -> None:
    for route in ("answered", "not_found", "out_of_scope", "crisis"):
        store.record_turn(turn("c", f"q {route}", route=route))
    assert sorted(t.route for t in store.unanswered()) == ["not_found", "out_of_scope"]


MESSAGE = "I'm Maria Lopez, born 03/14/1988, call (650) 555-0199 or maria.l@gmail.com, I live at 123 Oak Street. Card 4111 1111 1111 1111. Can I come Monday?"


@pytest.mark.parametrize("redactor", [PresidioRedactor, PatternRedactor], ids=["presidio", "patterns"])
def test_personal_information_is_redacted_before_storing(redactor: type, tmp_path: Path) -> None:
    store = BufferedStore(SqlStore(f"sqlite:///{tmp_path / 'c.db'}"), redactor())
    store.record_turn(turn("c", MESSAGE))
    assert store.flush()
    [stored] = store.turns("c")
    for secret in ("555-0199", "maria.l@gmail.com", "123 Oak Street", "4111", "03/14/1988"):
        assert secret not in stored.question
    assert "Monday" in stored.question  # days and times are not personal information
    if redactor is PresidioRedactor:
        assert "Maria Lopez" not in stored.question
    raw = sqlite3.connect(tmp_path / "c.db").execute("select question from turns").fetchone()[0]
    assert "maria.l@gmail.com" not in raw
    store.close()


def test_clinic_contact_details_are_not_redacted() -> None:
    assert PatternRedactor().redact("I called 650-419-3330 and texted 988") == "I called 650-419-3330 and texted 988"


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    with store.engine.connect() as db:
        assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"


class FlakyStore:
    """A database that is down until told otherwise (fault injection for the write buffer)."""

    def __init__(self, inner: SqlStore) -> None:
        self.inner = inner
        self.down = True

    def record_turn(self, t: Turn) -> str:
        if self.down:
            raise StoreError("connection refused")
        return self.inner.record_turn(t)

    def set_feedback(self, turn_id: str, value: int) -> None:
        if self.down:
            raise StoreError("connection refused")
        self.inner.set_feedback(turn_id, value)

    def healthy(self) -> tuple[bool, str]:
        return (not self.down, "down" if self.down else "up")

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_writes_wait_in_the_buffer_while_the_database_is_down(tmp_path: Path) -> None:
    flaky = FlakyStore(SqlStore(f"sqlite:///{tmp_path / 'c.db'}"))
    store = BufferedStore(flaky, PatternRedactor(), retry_s=0.05)
    started = time.perf_counter()
    ids = [store.record_turn(turn("c", f"question {i}")) for i in range(5)]
    assert time.perf_counter() - started < 0.5  # recording never waits for the database
    store.set_feedback(ids[0], -1)
    time.sleep(0.3)
    ok, detail = store.healthy()
    assert not ok and "buffered writes: 6" in detail and "connection refused" in detail
    flaky.down = False
    assert store.flush(5)
    assert len(flaky.inner.turns("c")) == 5 and flaky.inner.turns("c")[0].feedback == -1
    assert store.healthy()[0]
    store.close()


def test_the_buffer_is_bounded(tmp_path: Path) -> None:
    flaky = FlakyStore(SqlStore(f"sqlite:///{tmp_path / 'c.db'}"))
    store = BufferedStore(flaky, PatternRedactor(), max_buffer=3, retry_s=0.05)
    for i in range(10):
        store.record_turn(turn("c", f"q{i}"))
    assert store.buffered <= 3 and store.dropped >= 6
    flaky.down = False
    assert store.flush(5)
    assert [t.question for t in flaky.inner.turns("c")][-1] == "q9"
    store.close()


def test_a_locked_sqlite_database_does_not_lose_turns(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = BufferedStore(SqlStore(f"sqlite:///{path}"), PatternRedactor(), retry_s=0.05)
    locker = sqlite3.connect(path, timeout=0.1)
    locker.execute("BEGIN EXCLUSIVE")
    store.record_turn(turn("c", "while locked"))
    time.sleep(0.5)
    locker.rollback()
    locker.close()
    assert store.flush(15)
    assert [t.question for t in store.turns("c")] == ["while locked"]
    store.close()


def test_every_database_error_becomes_a_store_error(store: SqlStore) -> None:
    """Reads, writes and the purge all turn the database's own errors into the package's StoreError."""
    store.record_turn(turn("c1", "before the tables went"))
    with store.engine.begin() as db:
        for table in ("crisis_reviews", "crisis_weekly", "turns", "alembic_version"):  # the next SqlStore migrates afresh
            db.execute(text(f"DROP TABLE {table}"))
    calls = {
        "record_turn": lambda: store.record_turn(turn("c1", "after")),
        "set_feedback": lambda: store.set_feedback("t", 1),
        "turns": lambda: store.turns("c1"),
        "recent_conversations": lambda: store.recent_conversations(),
        "crisis_turns": lambda: store.crisis_turns(),
        "crisis_reviews": lambda: store.crisis_reviews(),
        "mark_reviewed": lambda: store.mark_reviewed("t", "staff"),
        "unanswered": lambda: store.unanswered(),
        "crisis_counts_by_week": lambda: store.crisis_counts_by_week(),
        "export": lambda: store.export(),
        "purge": lambda: store.purge(1),
    }
    not_raised = []
    for name, call in calls.items():
        try:
            call()
        except StoreError:
            continue
        not_raised.append(name)
    assert not not_raised
    assert store.healthy()[0] is False


def test_a_database_url_that_cannot_be_used_is_a_store_error_even_when_waiting_for_the_database() -> None:
    for url in ("nonsense://somewhere", "not a url at all"):
        with pytest.raises(StoreError, match="cannot use the conversation database URL"):
            SqlStore(url, wait_for_database=True)


def test_the_write_buffer_answers_the_whole_store_protocol_itself(tmp_path: Path) -> None:
    """BufferedStore implements every ConversationStore method (export and purge included) rather than
    passing unknown names through to the database."""
    from conversations import ConversationStore, MemoryStore

    wanted = {name for name in vars(ConversationStore) if not name.startswith("_")}
    assert {"export", "purge"} <= wanted
    for cls in (BufferedStore, MemoryStore, SqlStore):
        assert wanted <= set(vars(cls)), f"{cls.__name__} lacks {wanted - set(vars(cls))}"
    assert "__getattr__" not in vars(BufferedStore)
    sql = SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    sql.record_turn(turn("c1", "old", minutes_ago=3 * 24 * 60))
    buffered = BufferedStore(sql)
    try:
        assert [t.question for t in buffered.export()] == ["old"]
        assert buffered.purge(1) == 1 and buffered.export() == []
    finally:
        buffered.close()
