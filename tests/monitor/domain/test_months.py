import datetime as dt

from matchers.dates import mentions_day
from monitor.domain.months import MONTH_NUMBER, MONTHS


def test_every_month_once_in_order_with_english_and_spanish_names():
    assert [m.number for m in MONTHS] == list(range(1, 13))
    assert MONTH_NUMBER["setiembre"] == MONTH_NUMBER["septiembre"] == MONTH_NUMBER["sept"] == 9
    assert MONTH_NUMBER["dic"] == MONTH_NUMBER["december"] == 12


def test_no_name_means_two_months():
    names = [name for month in MONTHS for name in month.names]
    assert len(names) == len(set(names)) == len(MONTH_NUMBER)


def test_the_matchers_read_full_names_in_both_languages_but_not_abbreviations():
    day = dt.date(2014, 9, 30)
    assert mentions_day("el 30 de setiembre", day) and mentions_day("on September 30", day)
    assert not mentions_day("on Sept 30", day)
