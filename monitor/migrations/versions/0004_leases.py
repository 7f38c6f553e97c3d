"""Leases, so several workers share one database: who holds a feed or an outbox row, and until when.

    feeds.lease_owner, lease_until              a worker claims due feeds; saving a feed's state ends it
    alerts / archive_messages .lease_*          a worker claims pending rows before it posts them
    digests.lease_owner, lease_until            the one worker sending the day's digest

A lease that runs out (its worker died) is free again: the next claimer takes the work over. A row
with no lease is free. Columns only, nullable: every existing row starts free.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LEASED = ("feeds", "alerts", "archive_messages", "digests")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite adds nullable columns in place, so the FTS5 triggers
    # on items and every row stay as they are.
    for table in LEASED:
        op.add_column(table, sa.Column("lease_owner", sa.String(200)))
        op.add_column(table, sa.Column("lease_until", sa.DateTime(timezone=True)))


def downgrade() -> None:
    for table in LEASED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("lease_until")
            batch.drop_column("lease_owner")
