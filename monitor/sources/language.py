"""The language of an item whose feed does not state it, detected offline with py3langid.

py3langid (a maintained fork of langid.py: a naive-Bayes model over byte n-grams, 4.6 MB, numpy only)
was chosen over lingua-language-detector because it is far smaller and faster. Measured on the 560
labelled items of shared/eval/dev.jsonl and eval/*/ (title + text; titles alone):

    py3langid  99.8% (559/560); 93.6%   0.38 ms an item   load 1.0 s, +54 MB RSS, 4.6 MB model
    lingua     100%  (560/560); 97.3%   2.3 ms an item    load 9.6 s, 919 MB RSS, 96 MB installed
               (all languages, default high-accuracy mode)

The model loads lazily, in the first worker thread that needs it. Titles alone are weak evidence, so
the detector is given every text the item has, and answers nothing when its normalised probability
is low.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from monitor.domain.item import Item

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

MIN_PROBABILITY = 0.5  # below this the model is guessing between neighbours (es/gl/pt on a headline)
MIN_LETTERS = 12  # fewer letters than this say nothing about a language
SAMPLE_CHARS = 2000  # the first pages are plenty; the model's cost grows with the text
_LOCK = threading.Lock()


@functools.cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text` ('es', 'en'), or None when it is too short or the model is unsure."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    with _LOCK:  # the first call loads the model; functools.cache alone could load it twice
        identifier = _identifier()
    code, probability = identifier.classify(sample)
    return str(code) if probability >= MIN_PROBABILITY else None


def with_language(item: Item) -> Item:
    """`item` with `language` filled in by detection when the source did not give one."""
    if item.language:
        return item
    text = "\n".join([item.title, item.summary, *(page.text for page in item.pages)])
    language = detect_language(text)
    return replace(item, language=language) if language else item

