"""Accent- and case-folding and word tokens: the one form in which matchers and stories compare words.

"Batallón", "BATALLON" and "batallon" fold to one word (Spanish accents are often dropped in print).
"""

from __future__ import annotations

import re
import unicodedata


class _Unaccented(dict[int, str]):
    """`str.translate` table filled on first sight of each character: its NFKD form less combining marks.
    Folding is the hottest path of the cheap signals; per-character caching makes it one C-level pass."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        self[code] = plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return plain


_UNACCENTED = _Unaccented()


def strip_accents(text: str) -> str:
    """Drop diacritics but keep case: "Policía Federal" -> "Policia Federal"; º -> o, ª -> a."""
    if text.isascii():
        return text
    return text.translate(_UNACCENTED)


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for matching (Spanish accents are often dropped)."""
    return strip_accents(text).casefold()


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def words(text: str) -> list[str]:
    """Folded word tokens (letters and digits), apostrophes kept inside words."""
    return _WORD.findall(fold(text))
