"""The conversation store in a SQL database (SQLAlchemy): SQLite in WAL mode by default, PostgreSQL
for several replicas. The schema is created and upgraded by Alembic migrations, never by hand."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Integer, create_engine, delete, event, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from conversations.base import ConversationSummary, CrisisReview, Turn
from conversations.errors import StoreError
from conversations.memory import iso_week
from conversations.schema import crisis_reviews, crisis_weekly, turns

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@contextmanager
def database_errors(context: str = "", also: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """The one place a database error becomes the package's error: a SQLAlchemyError (or one of `also`)
    raised in the block is raised again as StoreError, its message prefixed with `context` if given."""
    caught: tuple[type[Exception], ...] = (SQLAlchemyError, *also)
    try:
        yield
    except caught as exc:
        raise StoreError(f"{context}: {exc}" if context else str(exc)) from exc


def make_engine(url: str) -> Engine:
    """An engine for `url` (nothing is connected yet). Raises StoreError for a URL SQLAlchemy cannot use."""
    with database_errors("cannot use the conversation database URL", also=(ImportError,)):  # ImportError: its driver is not installed
        return _make_engine(url)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False}, pool_pre_ping=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted (purged) text is overwritten, not left in free pages
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class SqlStore:
    """`wait_for_database`: a database that cannot be prepared at start-up (PostgreSQL down, a
    read-only SQLite location) is not an error: every later call tries again, and until one succeeds
    the store is unhealthy and its calls raise StoreError (writes wait in BufferedStore)."""

    def __init__(self, url: str, run_migrations: bool = True, wait_for_database: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url)  # StoreError for an unusable URL, whatever `wait_for_database` says
        self.recreated_at: datetime | None = None
        self.unprepared = ""  # why the database could not be prepared yet ("" once it is)
        if run_migrations:
            try:
                self._prepare()
            except StoreError as exc:
                if not wait_for_database:
                    raise
                self.unprepared = str(exc).splitlines()[0][:300]
                log.error("conversation database unavailable at start-up; answering without it and retrying: %s", self.unprepared)

    def _prepare(self) -> None:
        path = self._sqlite_file()
        try:
            with database_errors("cannot prepare the conversation database", also=(OSError,)):
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    # owner-only: SQLite gives its -wal and -shm files the database file's mode
                    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
                migrate(self.engine)
        except StoreError:
            self.engine.dispose()
            raise

    def _ensure_prepared(self) -> None:
        if self.unprepared:
            self._prepare()
            self.unprepared = ""
            log.warning("conversation database prepared after start-up")

    def reset(self) -> None:
        """Drop pooled connections after a failed write: a SQLite connection opened while the file was
        read-only stays read-only, and one to a restarted PostgreSQL is dead."""
        self.engine.dispose()

    def _sqlite_file(self) -> Path | None:
        database = self.engine.url.database
        return Path(database) if self.engine.dialect.name == "sqlite" and database and database != ":memory:" else None

    def _recreate_if_gone(self) -> None:
        """A SQLite file deleted under a running app would swallow writes into an unlinked inode: start a new one."""
        path = self._sqlite_file()
        if path is None or path.exists():
            return
        log.error("conversation database %s is gone: creating a new, empty one", path)
        self.engine.dispose()
        path.parent.mkdir(parents=True, exist_ok=True)
        with database_errors(f"cannot recreate {path}"):
            migrate(self.engine)
        self.recreated_at = datetime.now(UTC)

    def record_turn(self, turn: Turn) -> str:
        self._ensure_prepared()
        self._recreate_if_gone()
        row = {
            "id": turn.id,
            "conversation_id": turn.conversation_id,
            "created_at": turn.created_at,
            "route": turn.route,
            "signals": json.dumps(list(turn.signals)),
            "question": turn.question,
            "answer": turn.answer,
            "cited_chunk_ids": json.dumps(list(turn.cited_chunk_ids)),
            "latency_ms": turn.latency_ms,
            "crisis": turn.crisis,
            "feedback": turn.feedback,
            "top_score": turn.top_score,
        }
        with database_errors(), self.engine.begin() as db:
            db.execute(insert(turns).values(**row))
            if turn.crisis:
                db.execute(insert(crisis_reviews).values(turn_id=turn.id, conversation_id=turn.conversation_id, created_at=turn.created_at))
                db.execute(self._count_week(iso_week(turn)))
        return turn.id

    def _count_week(self, week: str) -> Any:
        dialect_insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = dialect_insert(crisis_weekly).values(week=week, count=1)
        return statement.on_conflict_do_update(index_elements=["week"], set_={"count": crisis_weekly.c["count"] + 1})

    def set_feedback(self, turn_id: str, value: int) -> None:
        self._write(update(turns).where(turns.c.id == turn_id).values(feedback=value))

    def _write(self, statement: Any) -> None:
        self._ensure_prepared()
        with database_errors(), self.engine.begin() as db:
            db.execute(statement)

    def _read(self, statement: Any) -> list[Any]:
        self._ensure_prepared()
        with database_errors(), self.engine.connect() as db:
            return list(db.execute(statement))

    def turns(self, conversation_id: str) -> list[Turn]:
        return [_turn(r) for r in self._read(select(turns).where(turns.c.conversation_id == conversation_id).order_by(turns.c.created_at))]

    def recent_conversations(self, limit: int = 50) -> list[ConversationSummary]:
        t = turns.c
        statement = (
            select(
                t.conversation_id,
                func.min(t.created_at).label("started_at"),
                func.max(t.created_at).label("last_at"),
                func.count().label("n"),
                func.sum(func.cast(t.crisis, Integer)).label("crisis_turns"),
                func.sum(func.cast(t.feedback == 1, Integer)).label("up"),
                func.sum(func.cast(t.feedback == -1, Integer)).label("down"),
            )
            .group_by(t.conversation_id)
            .order_by(func.sum(func.cast(t.crisis, Integer)).desc(), func.max(t.created_at).desc())
            .limit(limit)
        )
        rows = self._read(statement)
        firsts: dict[str, str] = {}
        ids = [r.conversation_id for r in rows]
        if ids:
            first = select(t.conversation_id, t.question, t.created_at).where(t.conversation_id.in_(ids)).order_by(t.created_at)
            for r in self._read(first):
                firsts.setdefault(r.conversation_id, r.question)
        return [
            ConversationSummary(
                r.conversation_id,
                _utc(r.started_at),
                _utc(r.last_at),
                int(r.n),
                int(r.crisis_turns or 0),
                firsts.get(r.conversation_id, ""),
                int(r.up or 0),
                int(r.down or 0),
            )
            for r in rows
        ]

    def crisis_turns(self, limit: int = 100) -> list[Turn]:
        statement = select(turns).join(crisis_reviews, crisis_reviews.c.turn_id == turns.c.id).order_by(crisis_reviews.c.created_at.desc()).limit(limit)
        return [_turn(r) for r in self._read(statement)]

    def crisis_reviews(self, limit: int = 100) -> list[CrisisReview]:
        review = crisis_reviews.c
        statement = (
            select(turns, review.reviewed_at, review.reviewed_by)
            .join(crisis_reviews, review.turn_id == turns.c.id)
            .order_by(review.created_at.desc())
            .limit(limit)
        )
        return [CrisisReview(_turn(r), _utc(r.reviewed_at) if r.reviewed_at else None, r.reviewed_by or "") for r in self._read(statement)]

    def mark_reviewed(self, turn_id: str, reviewer: str) -> None:
        self._write(update(crisis_reviews).where(crisis_reviews.c.turn_id == turn_id).values(reviewed_at=datetime.now(UTC), reviewed_by=reviewer[:100]))

    def unanswered(self, limit: int = 500) -> list[Turn]:
        statement = select(turns).where(turns.c.route.in_(("not_found", "out_of_scope"))).order_by(turns.c.created_at.desc()).limit(limit)
        return [_turn(r) for r in self._read(statement)]

    def crisis_counts_by_week(self) -> list[tuple[str, int]]:
        return [(r.week, int(r.count)) for r in self._read(select(crisis_weekly).order_by(crisis_weekly.c.week.desc()))]

    def export(self) -> list[Turn]:
        return [_turn(r) for r in self._read(select(turns).order_by(turns.c.created_at))]

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        """Delete turns older than the retention period (their review entries go with them; weekly counts stay)."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
        with database_errors():
            with self.engine.begin() as db:
                old = select(turns.c.id).where(turns.c.created_at < cutoff)
                db.execute(delete(crisis_reviews).where(crisis_reviews.c.turn_id.in_(old)))
                removed = int(db.execute(delete(turns).where(turns.c.created_at < cutoff)).rowcount or 0)
            if self.engine.dialect.name == "sqlite":
                with self.engine.connect() as db:  # the purged text must not live on in the write-ahead log
                    db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed

    def healthy(self) -> tuple[bool, str]:
        try:
            self._ensure_prepared()
        except StoreError as exc:
            return False, f"{self.engine.dialect.name}: not ready since start-up: {exc}".splitlines()[0][:300]
        path = self._sqlite_file()
        if path is not None and not path.exists():
            return False, f"sqlite: {path} is missing (it will be recreated on the next write)"
        try:
            self._read(select(func.count()).select_from(crisis_weekly))
        except StoreError as exc:
            return False, f"{self.engine.dialect.name}: {exc}".splitlines()[0][:300]
        if self.recreated_at and datetime.now(UTC) - self.recreated_at < timedelta(hours=24):
            # said for a day, but ready: the new database takes writes (the loss was logged when it happened)
            return True, f"sqlite: {path} was missing and was recreated at {self.recreated_at.isoformat(timespec='seconds')}"
        return True, self.engine.dialect.name


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _turn(row: Any) -> Turn:
    return Turn(
        id=row.id,
        conversation_id=row.conversation_id,
        created_at=_utc(row.created_at),
        route=row.route,
        signals=tuple(json.loads(row.signals or "[]")),
        question=row.question,
        answer=row.answer,
        cited_chunk_ids=tuple(json.loads(row.cited_chunk_ids or "[]")),
        latency_ms=row.latency_ms,
        crisis=bool(row.crisis),
        feedback=row.feedback,
        top_score=getattr(row, "top_score", None),
    )
