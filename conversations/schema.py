"""The conversation tables (SQLAlchemy Core). Changes go through an Alembic migration (migrations/)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

turns = Table(
    "turns",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("route", String(20), nullable=False, index=True),
    Column("signals", Text, nullable=False, default="[]"),  # JSON list
    Column("question", Text, nullable=False),  # redacted
    Column("answer", Text, nullable=False),
    Column("cited_chunk_ids", Text, nullable=False, default="[]"),  # JSON list
    Column("latency_ms", Float, nullable=False, default=0.0),
    Column("crisis", Boolean, nullable=False, default=False, index=True),
    Column("feedback", Integer, nullable=True),
    Column("top_score", Float, nullable=True),  # migration 0002
)

# Crisis turns for staff review, shown first in the console.
crisis_reviews = Table(
    "crisis_reviews",
    metadata,
    Column("turn_id", String(32), ForeignKey("turns.id", ondelete="CASCADE"), primary_key=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
    Column("reviewed_by", String(100), nullable=True),  # migration 0002
)

# Anonymous weekly counts of crisis referrals (no text, no ids): they outlive the retention purge.
crisis_weekly = Table(
    "crisis_weekly",
    metadata,
    Column("week", String(8), primary_key=True),  # ISO week, e.g. 2026-W48
    Column("count", Integer, nullable=False, default=0),
)
