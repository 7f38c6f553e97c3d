"""Migrations: a first-release database upgrades itself with every row kept; the migrations equal the tables.

The first release's database is tests/fixtures/release-1.monitor.db (SQLite); on PostgreSQL, which that
release did not run on, the `release_1_db` fixture makes the same (tests/release_1.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, MetaData, create_engine, inspect, select, text

from monitor.cli import main
from monitor.store import migrate, reads, schema
from monitor.store.database import Store, open_engine
from monitor.store.search import FULLTEXT_DDL, is_fulltext_object
from tests.conftest import ENGINE
from tests.release_1 import OLD_TABLES

ROOT = Path(__file__).resolve().parents[3]


def rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the first release's tables, in the first release's columns (not 0003's search column
    nor 0004's lease columns)."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine, only=OLD_TABLES)
    with engine.connect() as conn:
        found = {t: [tuple(r) for r in conn.execute(
            select(*(c for c in tables.tables[t].c if not is_fulltext_object(c.name, "column")
                      and not c.name.startswith("lease_"))).order_by(text("1")))]
            for t in OLD_TABLES}
    engine.dispose()
    return found


@pytest.fixture
def old_db(release_1_db: str) -> str:
    return release_1_db


def test_the_head_read_from_the_migration_files_is_alembics_head() -> None:
    # Every start compares alembic_version with this, without loading Alembic: it must never drift.
    assert migrate.newest_revision() == migrate.head_revision()


def test_a_database_at_head_is_opened_without_alembic(db_url: str) -> None:
    Store(db_url).close()  # created and stamped
    code = ("import sys; from monitor.store.database import Store; s = Store(sys.argv[1]); "
            "print(s.migrated, sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"


def test_the_fixture_is_a_first_release_database(old_db: str) -> None:
    engine = create_engine(old_db)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables == set(OLD_TABLES)  # no alembic_version, no review tables
    counts = {t: len(r) for t, r in rows(old_db).items()}
    assert counts["items"] == 9 and counts["alerts"] == 4 and counts["digests"] == 1


def test_opening_a_first_release_database_upgrades_it_and_keeps_every_row(old_db: str) -> None:
    before = rows(old_db)
    store = Store(old_db)
    assert store.migrated == ["0002", "0003", "0004"]  # the baseline 0001 stamped, then review tables, search, leases
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert rows(old_db) == before  # every item, link, alert and digest, byte for byte
    # ... and the store reads them back as before.
    wide = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert len(store.items_fetched_between(*wide)) == 9
    assert len(store.assessments_between(*wide)) == 9
    assert store.alert_counts() == {"sent": 4}
    digest_day = before["digests"][0][0]
    row = store.digest(dt.date.fromisoformat(str(digest_day)))
    assert row is not None and row.status == "sent"
    store.close()
    assert Store(old_db).migrated == []  # the second start has nothing to do


def test_the_review_tables_work_on_an_upgraded_database(old_db: str) -> None:
    store = Store(old_db)
    alert_id = store.alert_ids()[0]
    store.add_review(alert_id, "credible", by="ana", note="matches the CNDH file", via="cli",
                     now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    review = store.latest_review(alert_id)
    assert review is not None and review.verdict == "credible" and review.note == "matches the CNDH file"


def test_the_migrations_build_exactly_the_tables_the_code_uses(blank_db_url: str) -> None:
    engine = create_engine(blank_db_url)
    with engine.begin() as conn:  # every migration from nothing, not the new-database shortcut
        command.upgrade(migrate.alembic_config(conn), "head")
    with engine.connect() as conn:
        # The search objects of migration 0003 (SQLite's FTS5 tables, PostgreSQL's generated column and
        # its index) are in no Table of schema.metadata: left out here as env.py leaves them out of autogenerate.
        context = MigrationContext.configure(conn, opts={
            "include_name": lambda name, type_, _parents: not is_fulltext_object(name, type_)})
        differences = compare_metadata(context, schema.metadata)
    engine.dispose()
    assert differences == []


def search_objects(engine: Engine) -> dict[str, str]:
    """The search objects the engine holds, each with its definition (spacing evened out)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").all()
            names = {"ix_links_target", "items_fts", "items_fts_insert", "items_fts_update", "items_fts_delete"}
        else:
            found = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('ix_links_target', 'ix_items_search') "
                "UNION ALL SELECT column_name, generation_expression FROM information_schema.columns "
                "WHERE table_name = 'items' AND is_generated = 'ALWAYS' "
                "UNION ALL SELECT 'monitor_search', string_agg(t.alias || '=' || m.mapdict::regdictionary::text, ','"
                " ORDER BY m.maptokentype, m.mapseqno) FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg"
                " JOIN ts_token_type('default') t ON t.tokid = m.maptokentype WHERE c.cfgname = 'monitor_search'").all()
            names = {"ix_links_target", "ix_items_search", "search_vector", "monitor_search"}
    return {name: " ".join(sql.split()) for name, sql in found if name in names and sql is not None}


def test_a_new_database_gets_the_same_search_objects_as_the_migrations_make(blank_db_url: str,
                                                                            db_url: str) -> None:
    migrated = create_engine(blank_db_url)
    with migrated.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    fresh = Store(db_url)  # the create_all shortcut
    if ENGINE == "sqlite":
        assert fresh.migrated == [migrate.head_revision()]
    made, built = search_objects(migrated), search_objects(fresh.engine)
    migrated.dispose()
    fresh.close()
    assert len(made) == (5 if ENGINE == "sqlite" else 4), made
    assert made == built


def test_the_upgraded_fixture_is_searchable_and_stays_in_step(old_db: str) -> None:
    store = Store(old_db)
    # Backfilled by 0003 (no reader creates anything): a title, without its accent; a report's page 2.
    assert reads.search(store, "apatzingan", 0, 50).ids == [6]
    assert 7 in reads.search(store, "altered", 0, 50).ids
    with store.engine.begin() as conn:  # the triggers keep the index in step with later writes
        conn.execute(schema.items.update().where(schema.items.c.id == 6).values(title="Zzyzx", summary=""))
    assert reads.search(store, "zzyzx", 0, 50).ids == [6]
    assert reads.search(store, "apatzingan", 0, 50).ids == []


def test_the_links_index_serves_the_unit_query(old_db: str) -> None:
    store = Store(old_db)
    query = "SELECT item_id FROM links WHERE target = 'unit' AND target_id = 'x'"
    with store.engine.connect() as conn:
        if ENGINE == "sqlite":
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}").all()
        else:  # nine rows: the planner would scan them; say the scan is dear to see the index is usable
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = conn.exec_driver_sql(f"EXPLAIN {query}").all()
    store.close()
    assert any("ix_links_target" in str(row[-1]) for row in plan), plan


def test_a_database_from_a_newer_monitor_is_refused_with_a_clear_message(old_db: str) -> None:
    Store(old_db).close()
    engine = create_engine(old_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(migrate.SchemaError, match="revision 9999.*newer monitor"):
        Store(old_db)


def test_db_upgrade_command_says_what_it_did(old_db: str) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade", "--db", old_db])
    second = runner.invoke(main, ["db", "upgrade", "--db", old_db])
    assert first.exit_code == 0 and "upgraded to schema revision 0004" in first.output
    assert second.exit_code == 0 and "already at schema revision 0004" in second.output


def test_the_migrations_are_found_from_any_working_directory(old_db: str, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, "-m", "monitor.cli", "db", "upgrade", "--db", old_db],
                            cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "upgraded to schema revision 0004" in result.stdout


def test_an_editable_install_finds_the_migrations(old_db: str, tmp_path: Path) -> None:
    """What ./scripts/install does (pip install -e .), isolated: setuptools' editable wheel, unpacked into a
    site directory of its own, is the only way this interpreter can find `monitor`."""
    wheels = tmp_path / "wheels"
    build = ("import sys; from setuptools import build_meta; "
             "print(build_meta.build_editable(sys.argv[1]))")
    built = subprocess.run([sys.executable, "-c", build, str(wheels)], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    with zipfile.ZipFile(wheels / built.stdout.strip().splitlines()[-1]) as wheel:
        wheel.extractall(site)
    # -S: no site-packages processing, so the shared venv's own editable `monitor` is not on the path;
    # this install's .pth goes in first (site.addsitedir), then the venv's libraries as a plain directory
    # (its finder module has the same name as this one's, so the order matters).
    libraries = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "alembic").is_dir())
    run = (f"import sys, site; site.addsitedir({str(site)!r}); sys.path.append({str(libraries)!r}); "
           "import monitor; print(monitor.__file__); from monitor.cli import main; main()")
    result = subprocess.run([sys.executable, "-S", "-c", run, "db", "upgrade", "--db", old_db],
                            cwd=tmp_path, capture_output=True, text=True, env={}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(ROOT / "monitor" / "__init__.py")
    assert "upgraded to schema revision 0004" in result.stdout


@pytest.mark.sqlite_only(reason="the console made FTS5 objects on SQLite databases only")
def test_a_database_whose_console_already_made_the_search_objects_upgrades_without_doubling_them(
        old_db: str) -> None:
    """Before 0003 the console created the index and FTS5 table itself when it opened a 0002 database
    (on SQLite: on PostgreSQL it made nothing)."""
    engine = create_engine(old_db)
    with engine.begin() as conn:
        command.stamp(migrate.alembic_config(conn), migrate.BASELINE)
        command.upgrade(migrate.alembic_config(conn), "0002")
        conn.exec_driver_sql("CREATE INDEX ix_links_target ON links (target, target_id)")
        for statement in FULLTEXT_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO items_fts(rowid, title, body) SELECT id, title, summary FROM items")
    engine.dispose()
    store = Store(old_db)
    assert store.migrated == ["0003", "0004"]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM items_fts").scalar_one() == 9  # each item once
    assert reads.search(store, "apatzingan", 0, 50).ids == [6]


def _at_once(action: Callable[[], object], count: int = 3) -> list[object]:
    """Run `action` in `count` threads released together; what each returned or raised, in finishing order."""
    starting = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        starting.wait()
        try:
            results.append(action())
        except BaseException as exc:  # reported by the caller, with the others' results
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _open_and_close(url: str) -> None:
    open_engine(url).dispose()  # closing at once, as a short command does, is part of the race


def test_workers_opening_one_new_sqlite_file_at_once_all_open_it(tmp_path: Path) -> None:
    """Switching a new file to WAL takes its lock without SQLite's busy handler: of three workers opening a
    new file together, one in ten or so was told "database is locked" (a CI failure). Forty rounds."""
    failures: list[BaseException] = []
    for round_number in range(40):
        url = f"sqlite:///{tmp_path / f'new-{round_number}.db'}"
        failures.extend(r for r in _at_once(partial(_open_and_close, url)) if isinstance(r, BaseException))
    assert failures == []


def test_processes_starting_together_on_a_new_database_build_it_once(blank_db_url: str) -> None:
    """Workers started at once on one empty database: one builds the schema, the others wait for it
    (SQLite's write lock, a PostgreSQL advisory lock) and find it done."""

    def start() -> list[str]:
        store = Store(blank_db_url)
        migrated = store.migrated
        store.close()
        return migrated

    results = _at_once(start)
    assert sorted(map(str, results)) == sorted(map(str, [[migrate.head_revision()], [], []])), results
