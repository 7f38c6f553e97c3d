"""The dossier: chain-of-command roll-up, syndicated copies, dates, and its three formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from sqlalchemy import event

from monitor.cli import main
from monitor.domain.assessment import Assessment, Evidence, Link
from monitor.domain.errors import NotFoundError
from monitor.domain.item import Item
from monitor.dossier.build import NO_CASE, build_dossier
from monitor.dossier.model import Dossier
from monitor.dossier.render import CSV_COLUMNS, SCHEMA_PATH, render_csv, render_html, render_json, to_json
from monitor.store.database import Store
from tests.monitor.dossier import sample


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    return sample.fill(store)


def dossier(store: Store, unit_id: str, **kwargs: dt.date) -> Dossier:
    return build_dossier(store, sample.watchlist(), unit_id, now=sample.NOW, **kwargs)  # type: ignore[arg-type]


def listed(d: Dossier) -> list[int]:
    return [e.item_id for g in d.groups for e in g.entries]


def test_a_zone_dossier_rolls_up_its_battalions_and_not_the_other_chain(store: Store, ids: dict[str, int]) -> None:
    zone = dossier(store, "sedena-22-zm")
    assert sorted(listed(zone)) == sorted([ids["report"], ids["ceremony"], ids["hostile"]])
    assert [u.id for u in zone.subordinates] == ["sedena-102-bi"] and zone.chain == ()
    # The battalion's own dossier does not reach up to its zone's items.
    battalion = dossier(store, "sedena-102-bi")
    assert sorted(listed(battalion)) == sorted([ids["report"], ids["hostile"]])
    assert [u.id for u in battalion.chain] == ["sedena-22-zm"]


def test_grouped_by_case_then_date_with_roles_copies_and_talking_points(store: Store, ids: dict[str, int]) -> None:
    zone = dossier(store, "sedena-22-zm")
    assert [(g.case_id, g.title) for g in zone.groups] == [("tlatlaya-2014", "Tlatlaya killings"), (None, NO_CASE)]
    [report] = zone.groups[0].entries
    assert report.role == "implicated" and report.allegation_types == ("killing", "scene tampering")
    assert report.also_reported_by == ("Wire service",)  # the copy is not an entry of its own
    assert (sample.PASSAGE, 2) in [(p.text, p.page) for p in report.passages]
    assert report.undercuts and "armed confrontation" in report.undercuts[0]
    assert report.verdict is None  # no review store yet
    no_case = zone.groups[1].entries
    assert [e.item_id for e in no_case] == [ids["ceremony"], ids["hostile"]]  # by date: 2025 before 2026
    assert [e.role for e in no_case] == ["touched", "touched"]


def test_summary_counts_by_year_and_type_and_names_the_units_at_risk(store: Store, ids: dict[str, int]) -> None:
    summary = dossier(store, "sedena-22-zm").summary
    assert (summary.items, summary.implicating) == (3, 1)
    assert summary.by_year == ((2024, 1), (2025, 1), (2026, 1))
    assert dict(summary.by_allegation_type) == {"killing": 1, "scene tampering": 1}
    assert [u.id for u in summary.at_risk] == ["sedena-22-zm", "sedena-102-bi"]


def test_since_and_until_bound_the_dates_inclusively(store: Store, ids: dict[str, int]) -> None:
    bounded = dossier(store, "sedena-22-zm", since=dt.date(2025, 3, 2), until=dt.date(2026, 1, 5))
    assert sorted(listed(bounded)) == sorted([ids["ceremony"], ids["hostile"]])
    assert listed(dossier(store, "sedena-22-zm", until=dt.date(2024, 6, 30))) == []


def test_an_unknown_unit_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        dossier(store, "nope")


def test_html_escapes_a_hostile_title_and_links_only_http(store: Store, ids: dict[str, int]) -> None:
    html = render_html(dossier(store, "sedena-22-zm"))
    assert "<script>" not in html and "<img" not in html and "<b>Evil" not in html and "<i>102nd" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html and "&lt;b&gt;Evil&lt;/b&gt; Times" in html
    assert "javascript:" not in html and "link withheld" in html
    assert 'href="https://un.example/tlatlaya"' in html
    assert "@media print" in html and "(p. 2)" in html and "Also reported by: Wire service" in html


def test_json_follows_its_documented_schema(store: Store, ids: dict[str, int]) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    document = json.loads(render_json(dossier(store, "sedena-22-zm")))
    validator.validate(document)
    hostile = next(i for c in document["cases"] for i in c["items"] if i["item_id"] == ids["hostile"])
    assert hostile["url"] is None and hostile["title"] == sample.HOSTILE_TITLE and hostile["verdict"] is None
    assert document["summary"]["by_year"] == {"2024": 1, "2025": 1, "2026": 1}
    # The schema bites: a role it does not know, or a javascript: URL, is rejected.
    broken = to_json(dossier(store, "sedena-22-zm"))
    broken["cases"][0]["items"][0]["role"] = "suspected"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(json.loads(json.dumps(broken)))
    broken["cases"][0]["items"][0].update(role="touched", url="javascript:alert(1)")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(json.loads(json.dumps(broken)))
    broken["cases"][0]["items"][0].update(url=None, verdict="probably")  # not one of the four verdicts
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(json.loads(json.dumps(broken)))


def test_csv_has_one_row_per_item_and_unit_and_defuses_formulas(store: Store, ids: dict[str, int]) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(dossier(store, "sedena-22-zm")))))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert sorted((int(r["item_id"]), r["unit_id"], r["role"]) for r in records) == sorted([
        (ids["report"], "sedena-102-bi", "implicated"), (ids["ceremony"], "sedena-22-zm", "touched"),
        (ids["hostile"], "sedena-102-bi", "touched")])
    report = next(r for r in records if int(r["item_id"]) == ids["report"])
    assert report["cases"] == "tlatlaya-2014" and report["also_reported_by"] == "Wire service"
    assert report["url"] == "https://un.example/tlatlaya" and "(p. 2)" in report["passages"]
    hostile = next(r for r in records if int(r["item_id"]) == ids["hostile"])
    assert hostile["url"] == "" and hostile["passages"] == "'" + sample.FORMULA_PASSAGE
    assert not any(v.startswith(("=", "+", "-", "@")) for v in hostile.values())


def test_cli_writes_each_format(store: Store, ids: dict[str, int], tmp_path: Path) -> None:
    db = str(store.engine.url)
    for fmt in ("html", "json", "csv"):
        out = tmp_path / f"d.{fmt}"
        result = CliRunner().invoke(main, ["dossier", "sedena-22-zm", "--format", fmt, "--out", str(out), "--db", db,
                                           "--watchlist", str(sample.WATCHLIST), "--since", "2025-01-01"])
        assert result.exit_code == 0, result.output
        assert "Change of command" in out.read_text(encoding="utf-8")
        assert "Tlatlaya victims" not in out.read_text(encoding="utf-8")  # 2024: before --since
    unknown = CliRunner().invoke(main, ["dossier", "nope", "--db", db, "--watchlist", str(sample.WATCHLIST)])
    assert unknown.exit_code == 2 and "not in the watchlist" in unknown.output


def test_an_item_on_two_units_of_the_dossier_is_one_entry_and_two_csv_rows(store: Store, ids: dict[str, int]) -> None:
    both = store.save_item(
        Item(feed="sample", guid="both", url="https://x.example/both", title="Zone and battalion",
             published=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)),
        Assessment(units=(Link("unit", "sedena-22-zm", 0.8), Link("unit", "sedena-102-bi", 0.8, implicated=True))),
        fetched_at=sample.NOW)
    zone = dossier(store, "sedena-22-zm")
    [entry] = [e for g in zone.groups for e in g.entries if e.item_id == both]
    assert {(u.unit_id, u.role) for u in entry.units} == {("sedena-22-zm", "touched"), ("sedena-102-bi", "implicated")}
    assert entry.role == "implicated"
    rows = [r for r in csv.DictReader(io.StringIO(render_csv(zone))) if r["item_id"] == str(both)]
    assert sorted((r["unit_id"], r["role"]) for r in rows) == [("sedena-102-bi", "implicated"),
                                                              ("sedena-22-zm", "touched")]


def test_the_queries_do_not_grow_with_the_items(make_db_url: Callable[[], str]) -> None:
    """No N+1: a dossier of 3 items and one of 300 cost the same number of SQL statements."""
    counts = []
    for n in (3, 300):
        store = Store(make_db_url())
        with store.batch() as batch:
            for i in range(n):
                first = batch.save_item(
                    Item(feed="f", guid=f"g{i}", url=f"https://x.example/{i}", title=f"item {i}", source="A"),
                    Assessment(cases=(Link("case", "tlatlaya-2014", 0.8),),
                               units=(Link("unit", "sedena-102-bi", 0.9, (Evidence("alias", f"p{i}", "102nd"),)),)),
                    fetched_at=sample.NOW)
                batch.save_item(Item(feed="g", guid=f"c{i}", url=f"https://y.example/{i}", title="copy", source="B"),
                                Assessment(), fetched_at=sample.NOW, story_id=first)
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *a, seen=statements: seen.append(a[2]))
        built = dossier(store, "sedena-22-zm")
        assert built.summary.items == n and built.groups[0].entries[0].also_reported_by == ("B",)
        counts.append(len(statements))
        store.close()
    assert counts[0] == counts[1], counts


def test_a_reviewed_items_verdict_is_in_each_format_and_a_dismissal_shows_as_one(
        store: Store, ids: dict[str, int], tmp_path: Path) -> None:
    [alert_id] = store.alert_ids()  # the report's
    store.add_review(alert_id, "credible", by="ana", now=sample.NOW, note="matches the CNDH file")

    def written(fmt: str) -> str:  # through `monitor dossier`, which passes the store's verdicts
        out = tmp_path / f"d.{fmt}"
        result = CliRunner().invoke(main, ["dossier", "sedena-22-zm", "--format", fmt, "--out", str(out),
                                           "--db", str(store.engine.url), "--watchlist", str(sample.WATCHLIST)])
        assert result.exit_code == 0, result.output
        return out.read_text(encoding="utf-8")

    def verdicts(fmt: str) -> dict[int, str]:
        if fmt == "json":
            document = json.loads(written("json"))
            jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))).validate(document)
            return {i["item_id"]: i["verdict"] for c in document["cases"] for i in c["items"]}
        return {int(r["item_id"]): r["verdict"] for r in csv.DictReader(io.StringIO(written("csv")))}

    assert verdicts("json") == {ids["report"]: "credible", ids["ceremony"]: None, ids["hostile"]: None}
    assert verdicts("csv") == {ids["report"]: "credible", ids["ceremony"]: "", ids["hostile"]: ""}
    html = written("html")
    assert 'review: <strong class="verdict credible">Credible</strong>' in html
    assert "(dismissed by a vetter)" not in html
    # A later verdict wins, and a dismissal is shown as one.
    store.add_review(alert_id, "not-this-unit", by="ben", now=sample.NOW)
    html = written("html")
    assert 'class="entry implicated dismissed"' in html
    assert '<strong class="verdict not-this-unit">Not this unit</strong> (dismissed by a vetter)' in html
    assert verdicts("json")[ids["report"]] == verdicts("csv")[ids["report"]] == "not-this-unit"


def test_the_verdict_of_a_story_alerted_on_a_later_copy_is_the_storys(store: Store, ids: dict[str, int]) -> None:
    later = store.save_item(
        Item(feed="sample", guid="c1-wire", url="https://wire.example/mando", title="Zone changes command",
             published=dt.datetime(2025, 3, 2, 12, tzinfo=dt.UTC), source="Wire service"),
        Assessment(units=(Link("unit", "sedena-22-zm", 0.8, via="named"),)), fetched_at=sample.NOW,
        story_id=ids["ceremony"], alert={"headline": "h"}, thread_key="unit:sedena-22-zm")
    [alert_id] = [a for a in store.alert_ids() if store.alert(a).item_id == later]  # type: ignore[union-attr]
    store.add_review(alert_id, "duplicate", by="ana", now=sample.NOW)
    zone = build_dossier(store, sample.watchlist(), "sedena-22-zm", now=sample.NOW, verdicts=store.verdicts)
    [entry] = [e for g in zone.groups for e in g.entries if e.item_id == ids["ceremony"]]  # the first copy
    assert entry.verdict == "duplicate" and entry.dismissed and entry.also_reported_by == ("Wire service",)
