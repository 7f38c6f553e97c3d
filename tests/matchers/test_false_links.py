"""The open world's cost of the case threshold that bench/cross_set.py reports: of the items labelled to link
no case, how many (per 100) link one. Items that should link a case, or that label no cases, do not count."""

from __future__ import annotations

from bench.cross_set import false_links_per_100


def test_only_items_labelled_to_link_nothing_count():
    rows = [{"id": "a", "expect": {"cases": []}}, {"id": "b", "expect": {"cases": []}},
            {"id": "c", "expect": {"cases": ["x"]}}, {"id": "d", "expect": {"alert": True}},
            {"id": "e", "expect": {"cases": []}}, {"id": "f", "expect": {"cases": []}}]
    predictions = [{"id": "a", "cases": ["x", "y"]}, {"id": "b", "cases": []}, {"id": "c", "cases": ["y"]},
                   {"id": "d", "cases": ["x"]}, {"id": "e"}, {"id": "f", "cases": []}]
    assert false_links_per_100(rows, predictions) == 25.0  # a of a, b, e, f; two cases on a count once


def test_a_set_with_no_item_to_link_nothing_costs_nothing():
    assert false_links_per_100([{"id": "c", "expect": {"cases": ["x"]}}], [{"id": "c", "cases": ["x"]}]) == 0.0
