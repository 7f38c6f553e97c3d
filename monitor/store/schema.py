"""The database tables (SQLAlchemy Core): SQLite by default, PostgreSQL through the same code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Connection

from monitor.store.search import FULLTEXT_DDL, create_pg_fulltext


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, whatever the backend keeps.

    PostgreSQL keeps `timestamp with time zone` (an instant, whatever the session's TimeZone);
    SQLite keeps naive UTC text, as the first release did (and `store.health` reads).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class NulFreeString(TypeDecorator[str]):
    """VARCHAR(n) without NUL characters: PostgreSQL's text cannot hold them (SQLite's can), and feed text
    is untrusted, so a NUL in a title, a GUID or an error message is dropped on the way in, on both engines."""

    impl: Any = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return without_nul(value)


class NulFreeText(NulFreeString):
    """TEXT without NUL characters (see NulFreeString)."""

    impl = Text
    cache_ok = True


def without_nul(value: Any) -> Any:
    """`value` with NUL characters taken out of every string in it (JSON documents too)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


metadata = MetaData()


def lease_columns() -> tuple[Column[Any], Column[Any]]:
    """Who holds the row (a worker id, `monitor.store.worker`) and until when (migration 0004)."""
    return Column("lease_owner", String(200)), Column("lease_until", UTCDateTime)


feeds = Table(
    "feeds", metadata,
    Column("name", NulFreeString(200), primary_key=True),
    Column("etag", NulFreeText),
    Column("last_modified", NulFreeText),
    Column("last_success", UTCDateTime),
    Column("last_attempt", UTCDateTime),
    Column("last_error", NulFreeText, nullable=False, default=""),
    Column("error_count", Integer, nullable=False, default=0),
    Column("next_poll", UTCDateTime),
    Column("items_seen", Integer, nullable=False, default=0),
    *lease_columns(),
)

items = Table(
    "items", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed", NulFreeString(200), nullable=False),
    Column("guid", NulFreeText, nullable=False),
    Column("url", NulFreeText, nullable=False, default=""),
    Column("title", NulFreeText, nullable=False, default=""),
    Column("summary", NulFreeText, nullable=False, default=""),
    Column("source", NulFreeText, nullable=False, default=""),
    Column("language", NulFreeString(20)),
    Column("published", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("pages", JSON, nullable=False, default=list),  # [[page number or null, text], ...]
    # The first copy of a syndicated story; equal to id for the first copy itself.
    Column("story_id", Integer, ForeignKey("items.id")),
    Column("signature", LargeBinary),  # MinHash of the text, to rebuild the story index
    UniqueConstraint("feed", "guid", name="uq_items_feed_guid"),
)
Index("ix_items_url", items.c.url)
Index("ix_items_fetched_at", items.c.fetched_at)
Index("ix_items_story", items.c.story_id)

assessments = Table(
    "assessments", metadata,
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
    Column("allegation", Boolean, nullable=False),
    Column("allegation_types", JSON, nullable=False, default=list),
    Column("implicated", JSON, nullable=False, default=list),
    Column("at_risk", JSON, nullable=False, default=list),
    Column("alert", Boolean, nullable=False),
    Column("notes", JSON, nullable=False, default=list),
)

links = Table(
    "links", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("target", NulFreeString(20), nullable=False),  # case | unit | statement
    Column("target_id", NulFreeString(200), nullable=False),
    Column("score", Float, nullable=False),
    Column("via", NulFreeString(20), nullable=False, default=""),
    Column("implicated", Boolean, nullable=False, default=False),
    Column("stance", NulFreeString(20), nullable=False, default=""),
    Column("evidence", JSON, nullable=False, default=list),
)
Index("ix_links_item", links.c.item_id)
Index("ix_links_target", links.c.target, links.c.target_id)  # migration 0003: a unit's items by index range

# The outbox: an alert row is written in the same transaction as the decision, before any send.
alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False, unique=True),
    Column("thread_key", NulFreeString(200), nullable=False),
    Column("thread_of", Integer, ForeignKey("alerts.id")),  # the first alert of the thread
    Column("payload", JSON, nullable=False),  # the Alert message, minus thread_ts
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", NulFreeString(20), nullable=False, default="pending"),  # pending | sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_attempt", UTCDateTime),
    Column("last_error", NulFreeText, nullable=False, default=""),
    Column("ts", NulFreeString(40)),
    Column("sent_at", UTCDateTime),
    *lease_columns(),
)
Index("ix_alerts_status", alerts.c.status)

digests = Table(
    "digests", metadata,
    Column("day", Date, primary_key=True),
    Column("status", NulFreeString(20), nullable=False, default="pending"),  # pending | sent
    Column("message_id", NulFreeText, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", NulFreeText, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    *lease_columns(),
)

# -- the review loop (migration 0002) ---------------------------------------------------------

# Every verdict given on an alert; the latest (highest id) is the one that counts, the rest is history.
reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("verdict", NulFreeString(30), nullable=False),  # see monitor.domain.review.VERDICTS
    Column("reviewer", NulFreeString(200), nullable=False),  # a Slack user id, or the --by name
    Column("reviewed_at", UTCDateTime, nullable=False),
    Column("note", NulFreeText, nullable=False, default=""),
    Column("via", NulFreeString(20), nullable=False),  # slack | cli | web
)
Index("ix_reviews_alert", reviews.c.alert_id)

# The "from the archive" outbox: one message per unit that stored items newly implicate after a relink.
archive_messages = Table(
    "archive_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", NulFreeString(200), nullable=False),
    Column("payload", JSON, nullable=False),  # the ArchiveNotice, minus its id
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", NulFreeString(20), nullable=False, default="pending"),  # pending | sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_attempt", UTCDateTime),
    Column("last_error", NulFreeText, nullable=False, default=""),
    Column("ts", NulFreeString(40)),
    Column("sent_at", UTCDateTime),
    *lease_columns(),
)
Index("ix_archive_messages_status", archive_messages.c.status)

# What was reported from the archive: the primary key makes a second report of an (item, unit) impossible.
archive_items = Table(
    "archive_items", metadata,
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
    Column("unit_id", NulFreeString(200), primary_key=True),
    Column("message_id", Integer, ForeignKey("archive_messages.id"), nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("key", NulFreeString(100), primary_key=True),
    Column("value", NulFreeText, nullable=False),
)

# -- full-text search (migration 0003) --------------------------------------------------------

# A new database (create_all) gets the FTS5 table and its triggers on `items` after the tables (SQLite),
# or the generated tsvector column and its index (PostgreSQL); an existing one got them from migration 0003.
for _statement in FULLTEXT_DDL:
    event.listen(metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))


@event.listens_for(metadata, "after_create")
def _pg_fulltext(_target: MetaData, connection: Connection, **_kw: Any) -> None:
    if connection.dialect.name == "postgresql":
        create_pg_fulltext(connection)
