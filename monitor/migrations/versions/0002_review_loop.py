"""The vetter's loop: verdicts on alerts, the "from the archive" outbox and what it reported, a settings row.

    reviews           every verdict given on an alert (Slack button or `monitor review`); the last one wins
    archive_messages  one "from the archive" Slack message per unit, an outbox like `alerts`
    archive_items     which (item, unit) pairs were reported from the archive: never twice
    meta              small named values, such as the fingerprint of the watchlist last linked against

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("verdict", sa.String(30), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
    )
    op.create_index("ix_reviews_alert", "reviews", ["alert_id"])
    op.create_table(
        "archive_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("ts", sa.String(40)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_archive_messages_status", "archive_messages", ["status"])
    op.create_table(
        "archive_items",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), primary_key=True),
        sa.Column("unit_id", sa.String(200), primary_key=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("archive_messages.id"), nullable=False),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("meta", "archive_items", "archive_messages", "reviews"):
        op.drop_table(table)
