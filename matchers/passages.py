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


# A web page's pointer to another story ("Lee también: ...", "Read more: ..."), kept by article extraction
# but not part of the item: a case named there is not what the page reports. The cue must open the
# sentence and be followed by a colon or a dash, so prose such as "read also the report" stays. A linked
# headline has no final period, so the extracted text often runs on into the page's next sentence: a
# "sentence" longer than a headline is kept whole rather than lose that text.
_CROSS_LINK = re.compile(
    r"^\W*(?:lee|lea|leer|ver|vea|mira|checa) tambi[eé]n|^\W*te (?:puede|podr[ií]a) interesar|"
    r"^\W*(?:te )?recomendamos|^\W*(?:noticias|notas) relacionadas|^\W*relacionad[ao]s?|^\W*m[aá]s informaci[oó]n|"
    r"^\W*(?:read|see) (?:also|more)|^\W*also read|^\W*related(?: stories| story| articles?| coverage)?|"
    r"^\W*more on this|^\W*you (?:may|might) also like",
    re.IGNORECASE,
)
_CROSS_LINK_END = re.compile(r"^\s*[:|\-–—»>]")
_HEADLINE_WORDS = 20


def is_cross_link(sentence: str) -> bool:
    """True for a "Lee también: <another story>" line of page furniture."""
    found = _CROSS_LINK.match(sentence)
    return (found is not None and _CROSS_LINK_END.match(sentence[found.end():]) is not None
            and len(sentence.split()) <= _HEADLINE_WORDS)


def passages(item: Item) -> list[Passage]:
    """Title, then every sentence of the summary and of each page (with its page number), less cross-links."""
    found = [Passage(" ".join(item.title.split()), None, "title")] if item.title.strip() else []
    found.extend(Passage(s) for s in sentences(item.summary) if not is_cross_link(s))
    for page in item.pages:
        found.extend(Passage(s, page.number) for s in sentences(page.text) if not is_cross_link(s))
    return list(_dedupe(found))


def _dedupe(found: list[Passage]) -> Iterator[Passage]:
    # Feeds often repeat the summary as the first paragraph of the article body.
    seen: set[str] = set()
    for passage in found:
        key = fold(passage.text)
        if key not in seen:
            seen.add(key)
            yield passage
