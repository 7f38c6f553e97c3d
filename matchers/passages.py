"""An item's text as passages for the matchers: sentence splitting, item passages.

Every signal works on `fold`ed text (monitor.domain.text) so "Batallón", "BATALLON" and "batallon" are
one word, and on `Passage`s so evidence can point at the sentence (and report page) that made a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from monitor.domain.item import Item
from monitor.domain.text import fold


@dataclass(frozen=True)
class Passage:
    """One sentence (or the title) of an item; `page` is the report page, None for article text."""

    text: str
    page: int | None = None
    kind: str = "body"  # "title" or "body"


# A sentence ends at . ! ? (and closing quotes) followed by space and a capital / opening mark,
# or at a blank line. The ends that are really abbreviations are merged back in `sentences`.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(¿¡]?[A-ZÁÉÍÓÚÑÜ0-9])|\n\s*\n")
# "22/a.", "102/o.", "No.", "Gen.", "U.S.", "Sr.", single initials: a period that ends no sentence.
_ABBREVIATION = re.compile(
    r"(?:\b\d+/?[oa]\.|\b[A-Za-z]\.|\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Gral|Col|Lt|Sgt|Capt|Cap|Sr|Sra|"
    r"Srta|St|No|Núm|Num|Art|Lic|Ing|Prof|Jr|Inc|Co|vs|etc|approx)\.)$"
)


def sentences(text: str) -> list[str]:
    """Split running text into sentences, keeping "22/a. Zona Militar" and "U.S. military" whole."""
    out: list[str] = []
    for piece in _BOUNDARY.split(text):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def passages(item: Item) -> list[Passage]:
    """Title, then every sentence of the summary and of each page (with its page number)."""
    found = [Passage(" ".join(item.title.split()), None, "title")] if item.title.strip() else []
    found.extend(Passage(s) for s in sentences(item.summary))
    for page in item.pages:
        found.extend(Passage(s, page.number) for s in sentences(page.text))
    return list(_dedupe(found))


def _dedupe(found: list[Passage]) -> Iterator[Passage]:
    # Feeds often repeat the summary as the first paragraph of the article body.
    seen: set[str] = set()
    for passage in found:
        key = fold(passage.text)
        if key not in seen:
            seen.add(key)
            yield passage
