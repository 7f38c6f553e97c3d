"""The first release's schema (the baseline): feeds, items, assessments, links, the alert outbox, digests.

A database made by that release has these tables and no `alembic_version`; the store stamps it with
this revision and upgrades from here. Written out in full, not from `schema.metadata`, so later
changes to the tables cannot rewrite history.

Times are `DateTime(timezone=True)`: on SQLite that is the same DATETIME the first release made (it
keeps naive UTC, see schema.UTCDateTime); on PostgreSQL, which that release did not support, it is
`timestamp with time zone`.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_success", sa.DateTime(timezone=True)),
        sa.Column("last_attempt", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("next_poll", sa.DateTime(timezone=True)),
        sa.Column("items_seen", sa.Integer, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("feed", sa.String(200), nullable=False),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("language", sa.String(20)),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pages", sa.JSON, nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("items.id")),
        sa.Column("signature", sa.LargeBinary),
        sa.UniqueConstraint("feed", "guid", name="uq_items_feed_guid"),
    )
    op.create_index("ix_items_url", "items", ["url"])
    op.create_index("ix_items_fetched_at", "items", ["fetched_at"])
    op.create_index("ix_items_story", "items", ["story_id"])
    op.create_table(
        "assessments",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), primary_key=True),
        sa.Column("allegation", sa.Boolean, nullable=False),
        sa.Column("allegation_types", sa.JSON, nullable=False),
        sa.Column("implicated", sa.JSON, nullable=False),
        sa.Column("at_risk", sa.JSON, nullable=False),
        sa.Column("alert", sa.Boolean, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("implicated", sa.Boolean, nullable=False),
        sa.Column("stance", sa.String(20), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
    )
    op.create_index("ix_links_item", "links", ["item_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id"), nullable=False, unique=True),
        sa.Column("thread_key", sa.String(200), nullable=False),
        sa.Column("thread_of", sa.Integer, sa.ForeignKey("alerts.id")),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_attempt", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("ts", sa.String(40)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "digests",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    for table in ("digests", "alerts", "links", "assessments", "items", "feeds"):
        op.drop_table(table)
