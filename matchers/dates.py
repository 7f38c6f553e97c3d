"""Date compatibility: does an item mention the day a case happened, or years that rule it out?

"June 30" / "30 de junio" in an item about a case dated 2014-06-30 supports the link; an item that
only speaks of 2010 and 2011 is probably not about an event of 2008 (the years a case's own texts
mention count as its years).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from monitor.domain.months import MONTHS
from monitor.domain.text import fold

_YEAR = re.compile(r"(?<![\d.,/-])(19[5-9]\d|20[0-4]\d)(?![\d.,/]\d)")


def years(text: str) -> set[int]:
    """Four-digit years 1950-2049 written in the text."""
    return {int(y) for y in _YEAR.findall(text)}


def day_pattern(date: dt.date) -> re.Pattern[str]:
    """Matches the month and day of `date` in folded EN/ES text: "June 30", "30 June", "30 de junio"."""
    month = MONTHS[date.month - 1]
    en, es = month.english, "|".join(month.spanish)
    day = rf"0?{date.day}(?:st|nd|rd|th)?"
    return re.compile(rf"\b(?:(?:{en})\.?\s+{day}\b|{day}\s+(?:of\s+)?(?:{en})\b|{day}\s+de\s+(?:{es})\b)")


def case_day_pattern(date: dt.date) -> re.Pattern[str]:
    """`day_pattern` of a case's date or of the day after: a night attack or a siege runs past midnight, and
    reports date it by either day ("la madrugada del 27 de septiembre" of a case dated the 26th, "the 6-7
    November siege", "la noche del 26 y 27 de septiembre", which names the 27th with its month)."""
    after = dt.date.fromordinal(date.toordinal() + 1)
    return re.compile(f"{day_pattern(date).pattern}|{day_pattern(after).pattern}")


def mentions_day(text: str, date: dt.date | None) -> bool:
    return date is not None and day_pattern(date).search(fold(text)) is not None


def mentions_day_folded(folded: str, pattern: re.Pattern[str] | None) -> bool:
    """`mentions_day` on already folded text with a compiled `day_pattern` (the linker's hot path)."""
    return pattern is not None and pattern.search(folded) is not None


def year_compatibility(item_years: set[int], case_years: Iterable[int]) -> int:
    """+1 when the item names one of the case's years, -1 when it names years but none of them, else 0."""
    known = set(case_years)
    if not item_years or not known:
        return 0
    return 1 if item_years & known else -1
