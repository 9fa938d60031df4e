"""Who reviewed a crisis turn (crisis_reviews.reviewed_by), and how sure an answered turn was (turns.top_score).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("crisis_reviews", sa.Column("reviewed_by", sa.String(100), nullable=True))
    op.add_column("turns", sa.Column("top_score", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("turns") as batch:
        batch.drop_column("top_score")
    with op.batch_alter_table("crisis_reviews") as batch:
        batch.drop_column("reviewed_by")
