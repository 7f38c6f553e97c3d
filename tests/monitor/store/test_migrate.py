"""Migrations: a first-release database upgrades itself with every row kept; the migrations equal the tables."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine

from monitor.cli import main
from monitor.store import migrate, reads, schema
from monitor.store.database import Store
from monitor.store.search import FULLTEXT_DDL, is_fulltext_table

ROOT = Path(__file__).resolve().parents[3]
RELEASE_1 = ROOT / "tests" / "fixtures" / "release-1.monitor.db"
OLD_TABLES = ("feeds", "items", "assessments", "links", "alerts", "digests")


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in OLD_TABLES}


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.db"
    shutil.copy(RELEASE_1, path)
    return path


def test_the_head_read_from_the_migration_files_is_alembics_head() -> None:
    # Every start compares alembic_version with this, without loading Alembic: it must never drift.
    assert migrate.newest_revision() == migrate.head_revision()


def test_a_database_at_head_is_opened_without_alembic(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'm.db'}"
    Store(db).close()  # created and stamped
    code = ("import sys; from monitor.store.database import Store; s = Store(sys.argv[1]); "
            "print(s.migrated, sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code, db], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"


def test_the_fixture_is_a_first_release_database(old_db: Path) -> None:
    with sqlite3.connect(old_db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == set(OLD_TABLES)  # no alembic_version, no review tables
    counts = {t: len(r) for t, r in rows(old_db).items()}
    assert counts["items"] == 9 and counts["alerts"] == 4 and counts["digests"] == 1


def test_opening_a_first_release_database_upgrades_it_and_keeps_every_row(old_db: Path) -> None:
    before = rows(old_db)
    store = Store(f"sqlite:///{old_db}")
    assert store.migrated == ["0002", "0003"]  # stamped as the baseline 0001, then the review tables, search
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
    assert Store(f"sqlite:///{old_db}").migrated == []  # the second start has nothing to do


def test_the_review_tables_work_on_an_upgraded_database(old_db: Path) -> None:
    store = Store(f"sqlite:///{old_db}")
    alert_id = store.alert_ids()[0]
    store.add_review(alert_id, "credible", by="ana", note="matches the CNDH file", via="cli",
                     now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    review = store.latest_review(alert_id)
    assert review is not None and review.verdict == "credible" and review.note == "matches the CNDH file"


def test_the_migrations_build_exactly_the_tables_the_code_uses(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with engine.begin() as conn:  # every migration from nothing, not the new-database shortcut
        command.upgrade(migrate.alembic_config(conn), "head")
    with engine.connect() as conn:
        # The FTS5 table and its shadow tables (migration 0003) are SQLite's virtual-table machinery,
        # in no Table of schema.metadata: left out here as env.py leaves them out of autogenerate.
        context = MigrationContext.configure(conn, opts={"include_name": lambda name, type_, _parents: not (
            type_ == "table" and is_fulltext_table(name))})
        differences = compare_metadata(context, schema.metadata)
    assert differences == []


def sqlite_objects(engine: Engine) -> dict[str, str]:
    """Every index, trigger and table SQLite holds, with the SQL that made it (spacing evened out)."""
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").all()
    return {name: " ".join(sql.split()) for name, sql in found if name != "alembic_version"}


def test_a_new_database_gets_the_same_search_objects_as_the_migrations_make(tmp_path: Path) -> None:
    migrated = create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with migrated.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), "head")
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")  # the create_all shortcut
    assert fresh.migrated == [migrate.head_revision()]
    made, built = sqlite_objects(migrated), sqlite_objects(fresh.engine)
    search = {"ix_links_target", "items_fts", "items_fts_insert", "items_fts_update", "items_fts_delete"}
    assert search <= made.keys()
    assert {name: made[name] for name in search} == {name: built[name] for name in search}


def test_the_upgraded_fixture_is_searchable_and_stays_in_step(old_db: Path) -> None:
    store = Store(f"sqlite:///{old_db}")
    # Backfilled by 0003 (no reader creates anything): a title, without its accent; a report's page 2.
    assert reads.search(store, "apatzingan", 0, 50).ids == [6]
    assert 7 in reads.search(store, "altered", 0, 50).ids
    with store.engine.begin() as conn:  # the triggers keep the index in step with later writes
        conn.execute(schema.items.update().where(schema.items.c.id == 6).values(title="Zzyzx", summary=""))
    assert reads.search(store, "zzyzx", 0, 50).ids == [6]
    assert reads.search(store, "apatzingan", 0, 50).ids == []


def test_the_links_index_serves_the_unit_query(old_db: Path) -> None:
    store = Store(f"sqlite:///{old_db}")
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN SELECT item_id FROM links "
                                    "WHERE target = 'unit' AND target_id = 'x'").all()
    assert any("ix_links_target" in str(row[-1]) for row in plan)


def test_a_database_from_a_newer_monitor_is_refused_with_a_clear_message(old_db: Path) -> None:
    Store(f"sqlite:///{old_db}").close()
    with sqlite3.connect(old_db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(migrate.SchemaError, match="revision 9999.*newer monitor"):
        Store(f"sqlite:///{old_db}")


def test_db_upgrade_command_says_what_it_did(old_db: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade", "--db", f"sqlite:///{old_db}"])
    second = runner.invoke(main, ["db", "upgrade", "--db", f"sqlite:///{old_db}"])
    assert first.exit_code == 0 and "upgraded to schema revision 0003" in first.output
    assert second.exit_code == 0 and "already at schema revision 0003" in second.output


def test_the_migrations_are_found_from_any_working_directory(old_db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, "-m", "monitor.cli", "db", "upgrade", "--db", f"sqlite:///{old_db}"],
                            cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "upgraded to schema revision 0003" in result.stdout


def test_an_editable_install_finds_the_migrations(old_db: Path, tmp_path: Path) -> None:
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
    result = subprocess.run([sys.executable, "-S", "-c", run, "db", "upgrade", "--db", f"sqlite:///{old_db}"],
                            cwd=tmp_path, capture_output=True, text=True, env={}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(ROOT / "monitor" / "__init__.py")
    assert "upgraded to schema revision 0003" in result.stdout


def test_a_database_whose_console_already_made_the_search_objects_upgrades_without_doubling_them(
        old_db: Path) -> None:
    """Before 0003 the console created the index and FTS5 table itself when it opened a 0002 database."""
    engine = create_engine(f"sqlite:///{old_db}")
    with engine.begin() as conn:
        command.stamp(migrate.alembic_config(conn), migrate.BASELINE)
        command.upgrade(migrate.alembic_config(conn), "0002")
        conn.exec_driver_sql("CREATE INDEX ix_links_target ON links (target, target_id)")
        for statement in FULLTEXT_DDL:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("INSERT INTO items_fts(rowid, title, body) SELECT id, title, summary FROM items")
    engine.dispose()
    store = Store(f"sqlite:///{old_db}")
    assert store.migrated == ["0003"]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM items_fts").scalar_one() == 9  # each item once
    assert reads.search(store, "apatzingan", 0, 50).ids == [6]
