"""Conversation turns, crisis review list, anonymous weekly crisis counts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "turns",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("signals", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("cited_chunk_ids", sa.Text, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("crisis", sa.Boolean, nullable=False),
        sa.Column("feedback", sa.Integer, nullable=True),
    )
    for column in ("conversation_id", "created_at", "route", "crisis"):
        op.create_index(f"ix_turns_{column}", "turns", [column])
    op.create_table(
        "crisis_reviews",
        sa.Column("turn_id", sa.String(32), sa.ForeignKey("turns.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_crisis_reviews_conversation_id", "crisis_reviews", ["conversation_id"])
    op.create_index("ix_crisis_reviews_created_at", "crisis_reviews", ["created_at"])
    op.create_table("crisis_weekly", sa.Column("week", sa.String(8), primary_key=True), sa.Column("count", sa.Integer, nullable=False))


def downgrade() -> None:
    op.drop_table("crisis_weekly")
    op.drop_table("crisis_reviews")
    op.drop_table("turns")
