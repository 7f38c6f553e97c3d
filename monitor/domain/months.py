"""Month names in English and Spanish: the one table both date readers use.

`matchers.dates` looks for "June 30" / "30 de junio" (full names only, in folded text); list pages
(`sources.html_list`) read "12 may. 2024" or "Sept 3, 2024", so abbreviations count there too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Month:
    number: int
    english: str
    spanish: tuple[str, ...]  # "septiembre" and "setiembre" are both in use
    abbreviations: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.english, *self.spanish, *self.abbreviations)


MONTHS = (
    Month(1, "january", ("enero",), ("jan", "ene")),
    Month(2, "february", ("febrero",), ("feb",)),
    Month(3, "march", ("marzo",), ("mar",)),
    Month(4, "april", ("abril",), ("apr", "abr")),
    Month(5, "may", ("mayo",)),
    Month(6, "june", ("junio",), ("jun",)),
    Month(7, "july", ("julio",), ("jul",)),
    Month(8, "august", ("agosto",), ("aug", "ago")),
    Month(9, "september", ("septiembre", "setiembre"), ("sep", "sept")),
    Month(10, "october", ("octubre",), ("oct",)),
    Month(11, "november", ("noviembre",), ("nov",)),
    Month(12, "december", ("diciembre",), ("dec", "dic")),
)

MONTH_NUMBER = {name: month.number for month in MONTHS for name in month.names}
"""Lower-case month name or abbreviation (EN/ES) -> 1..12."""
