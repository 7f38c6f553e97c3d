"""Word lists as data: per-language YAML files (`en/*.yaml`, `es/*.yaml`) compiled once at import.

A text is *rendered* once per language as `lemma|word` tokens ("Militares asesinaron" ->
`militar|militares asesinar|asesinaron`), so one lexicon term matches every inflection without regex
alternations. Term syntax (see README.md): `asesinar` (any inflection), `=killed` (this form only),
`tortur*` (forms starting so), `(him|her|)` (alternatives; empty = optional), `...` (up to four words),
`<forces>` / `<forces.police>` (another vocabulary's terms, same language), `re: <regex>` (on folded text).

    VIOLATIONS = vocabulary("violations")
    VIOLATIONS.find(render(text))   # -> [Hit(entry, words, ...)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import simplemma
from ruamel.yaml import YAML

from ..text import fold

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es")
GAP = 4  # words a `...` may skip
EXAMPLES = "allegations"  # `<lang>/allegations.yaml`: whole sentences and the decision expected (tests only)

WORD = re.compile(r"[^\W_]+")
# Function words that tell English from Spanish: a passage is rendered only in the language it is in
# (both when it is too short to tell), which halves the work on the cheap-signal path.
_STOPWORDS = {
    "en": frozenset({"the", "of", "and", "to", "in", "was", "were", "is", "are", "that", "by", "with", "for", "from",
                     "on", "at", "has", "have", "had", "they", "said"}),
    "es": frozenset({"el", "la", "los", "las", "de", "del", "que", "en", "y", "por", "con", "para", "se", "su", "sus",
                     "al", "fue", "fueron", "una", "es", "son", "dijo"}),
}


class LexiconError(ValueError):
    """A lexicon file that cannot be compiled: names the file, the entry and the bad field."""


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """The folded lemma of one lowercase word ("asesinaron" -> "asesinar", "policías" -> "policia")."""
    return fold(simplemma.lemmatize(word, lang=language))


@dataclass(frozen=True)
class Rendered:
    """A text as `lemma|word` tokens per language, and folded (for `re:` terms)."""

    folded: str
    tokens: Mapping[str, str]  # language -> "lemma|word lemma|word ..."
    vocabulary: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)  # lemmas and words
    lowered: tuple[str, ...] = field(default=(), repr=False)  # the words as written, lowercase (accents kept)

    def words(self, language: str, start: int, end: int) -> str:
        """The surface words of a span of the rendered tokens."""
        return " ".join(t.split("|", 1)[1] for t in self.tokens[language][start:end].split())

    def rest(self, language: str, end: int) -> str:
        """The words after a span, as written (lowercase): for reading what follows a name."""
        return " ".join(self.lowered[len(self.tokens[language][:end].split()):])


def guess_languages(words: Sequence[str]) -> tuple[str, ...]:
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    if counts["en"] > counts["es"]:
        return ("en",)
    return ("es",) if counts["es"] > counts["en"] else LANGUAGES


@lru_cache(maxsize=20_000)
def render(text: str) -> Rendered:
    """Render a text for lexicon matching (cached: allegation, units and statements read the same passages)."""
    words = WORD.findall(text.lower())
    languages = guess_languages(words)
    folded = [fold(w) for w in words]
    lemmas = {lang: [lemma(w, lang) for w in words] for lang in languages}
    tokens = {lang: " ".join(f"{a}|{b}" for a, b in zip(lemmas[lang], folded, strict=True)) for lang in languages}
    return Rendered(fold(text), tokens, {lang: frozenset(lemmas[lang]) | frozenset(folded) for lang in languages},
                    tuple(words))


@dataclass(frozen=True)
class Hit:
    """One term of an entry found in a text."""

    entry: Entry
    language: str  # "re" for a regex term on folded text
    start: int
    end: int
    words: str  # the words as written (folded)


@dataclass(frozen=True)
class Entry:
    """A group of terms with one meaning (a kind of violation, a concept, a cue) and its examples."""

    vocabulary: str
    name: str
    language: str
    source: str  # "en/violations.yaml #3" for messages and test ids
    token_regex: re.Pattern[str] | None = field(repr=False)  # on the rendered tokens of `language`
    folded_regex: re.Pattern[str] | None = field(repr=False)  # `re:` terms, on folded text
    match: tuple[str, ...] = field(default=(), repr=False)
    no_match: tuple[str, ...] = field(default=(), repr=False)
    flags: Mapping[str, Any] = field(default_factory=dict)  # extra keys of the entry (e.g. intrinsic: true)
    # Words (lemmas or forms) and prefixes one of which every match of `token_regex` starts with: a set
    # test skips the regex on most texts (a long alternation costs more than rendering the text).
    anchors: frozenset[str] = field(default=frozenset(), repr=False)
    prefixes: tuple[str, ...] = field(default=(), repr=False)

    def possible(self, rendered: Rendered) -> bool:
        words = rendered.vocabulary.get(self.language)
        if words is None:
            return False
        return not words.isdisjoint(self.anchors) or bool(self.prefixes) and any(
            w.startswith(self.prefixes) for w in words)

    def find(self, rendered: Rendered) -> Iterator[Hit]:
        tokens = rendered.tokens.get(self.language)
        if self.token_regex is not None and tokens is not None and self.possible(rendered):
            for m in self.token_regex.finditer(tokens):
                yield Hit(self, self.language, m.start(), m.end(), rendered.words(self.language, m.start(), m.end()))
        if self.folded_regex is not None:
            for m in self.folded_regex.finditer(rendered.folded):
                yield Hit(self, "re", m.start(), m.end(), m.group(0))

    def matches(self, text: str) -> bool:
        return next(self.find(render(text)), None) is not None


class Vocabulary:
    """Every entry of one vocabulary (e.g. "violations") in every language, with a prefilter."""

    def __init__(self, name: str, entries: Sequence[Entry]) -> None:
        self.name, self.entries = name, tuple(entries)
        self.names = tuple(dict.fromkeys(e.name for e in self.entries))
        self._any_folded = _union(e.folded_regex for e in self.entries)

    def search(self, rendered: Rendered) -> bool:
        """Could any entry match? (set tests on the words, and the `re:` terms: most texts have no hit)"""
        return any(e.possible(rendered) for e in self.entries if e.token_regex is not None) or bool(
            self._any_folded and self._any_folded.search(rendered.folded))

    def find(self, rendered: Rendered, names: Iterable[str] | None = None) -> list[Hit]:
        if not self.search(rendered):
            return []
        wanted = None if names is None else set(names)
        return [h for e in self.entries if wanted is None or e.name in wanted for h in e.find(rendered)]

    def names_in(self, rendered: Rendered) -> set[str]:
        return {h.entry.name for h in self.find(rendered)}

    def leading(self, text: str, words: int = 4) -> list[Hit]:
        """Hits starting within the first `words` words of a text (what a subject does next)."""
        rendered = render(text)
        return [h for h in self.find(rendered) if len(_before(rendered, h).split()) <= words]

    def entry(self, name: str, language: str) -> list[Entry]:
        return [e for e in self.entries if e.name == name and e.language == language]


def _before(rendered: Rendered, hit: Hit) -> str:
    return rendered.folded[: hit.start] if hit.language == "re" else rendered.tokens[hit.language][: hit.start]


def _union(regexes: Iterable[re.Pattern[str] | None]) -> re.Pattern[str] | None:
    parts = [r.pattern for r in regexes if r is not None]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


# -- compiling terms ---------------------------------------------------------------------------------

_ANY = r"[^ |]+\|[^ ]+"


class _Compiler:
    """Turns the term syntax into regexes over rendered tokens; resolves `<vocabulary.entry>` references."""

    def __init__(self, raw: Mapping[tuple[str, str], list[dict[str, Any]]]) -> None:
        self.raw = raw  # (language, vocabulary) -> entries as loaded
        self.cache: dict[tuple[str, str], str] = {}

    def term(self, text: str, language: str, where: str) -> str:
        return rf"(?<![^ ]){self.body(text, language, where)}(?![^ ])"

    def body(self, text: str, language: str, where: str) -> str:
        parts = text.split()
        if not parts or parts[0] == "..." or parts[-1] == "...":
            raise LexiconError(f"{where}: a term is words, and '...' only between them: {text!r}")
        out, gap = "", ""
        for part in parts:
            if part == "...":
                gap = rf"(?:{_ANY} ){{0,{GAP}}}"
                continue
            optional = part.startswith("(") and part.endswith(")") and "" in part[1:-1].split("|")
            token = self.token(part, language, where)
            if not out:
                if optional:
                    raise LexiconError(f"{where}: a term cannot start with an optional word: {text!r}")
                out = token
            else:
                out += f"(?: {gap}{token})?" if optional else f" {gap}{token}"
            gap = ""
        return out

    def token(self, part: str, language: str, where: str) -> str:
        if part.startswith("<") and part.endswith(">"):
            return self.reference(part[1:-1], language, where)
        if part.startswith("(") and part.endswith(")"):
            options = part[1:-1].split("|")
            alternatives = [self.token(o, language, where) for o in options if o]
            return "(?:" + "|".join(alternatives) + ")"
        if part.startswith("="):
            return rf"[^ |]+\|{re.escape(fold(part[1:]))}"
        if part.endswith("*"):
            return rf"[^ |]+\|{re.escape(fold(part[:-1]))}[^ ]*"
        if not WORD.fullmatch(part.lower()):
            raise LexiconError(f"{where}: not a word: {part!r} "
                               "(write one word, =form, prefix*, (a|b), ... or <vocabulary.entry>)")
        # The sentence's lemma is the term's lemma or the term itself ("killings" -> "killing"), or the
        # sentence has the term as written (simplemma does not know every form).
        word = part.lower()
        lemmas = "|".join(re.escape(w) for w in dict.fromkeys((lemma(word, language), fold(word))))
        return rf"(?:(?:{lemmas})\|[^ ]+|[^ |]+\|{re.escape(fold(word))})"

    def anchors(self, text: str, language: str) -> tuple[set[str], set[str]]:
        """The words and prefixes the first token of a term can be."""
        return self.first(text.split()[0], language)

    def first(self, part: str, language: str) -> tuple[set[str], set[str]]:
        if part.startswith("<") and part.endswith(">"):
            vocabulary, _, name = part[1:-1].partition(".")
            words: set[str] = set()
            prefixes: set[str] = set()
            for e in self.raw.get((language, vocabulary), []):
                for t in e.get("terms", []) if not name or e.get("name") == name else []:
                    if isinstance(t, str):
                        w, p = self.anchors(t, language)
                        words |= w
                        prefixes |= p
            return words, prefixes
        if part.startswith("(") and part.endswith(")"):
            words, prefixes = set(), set()
            for option in filter(None, part[1:-1].split("|")):
                w, p = self.first(option, language)
                words |= w
                prefixes |= p
            return words, prefixes
        if part.startswith("="):
            return {fold(part[1:])}, set()
        if part.endswith("*"):
            return set(), {fold(part[:-1])}
        word = part.lower()
        return {lemma(word, language), fold(word)}, set()

    def reference(self, ref: str, language: str, where: str) -> str:
        vocabulary, _, name = ref.partition(".")
        key = (language, ref)
        if key not in self.cache:
            entries = [e for e in self.raw.get((language, vocabulary), []) if not name or e.get("name") == name]
            terms = [t for e in entries for t in e.get("terms", []) if isinstance(t, str)]
            if not terms:
                raise LexiconError(f"{where}: <{ref}> names no terms in {language}/{vocabulary}.yaml")
            self.cache[key] = "x"  # a reference to itself ends here instead of recursing forever
            inner = [self.body(t, language, where) for t in terms]
            self.cache[key] = "(?:" + "|".join(inner) + ")"
        return self.cache[key]


def _read(path: Path) -> list[dict[str, Any]]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LexiconError(f"{path}: expected a mapping with an `entries:` list")
    return entries


def _strings(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: {key}: expected a list of sentences")
    return tuple(value)


def _entry(compiler: _Compiler, raw: dict[str, Any], vocabulary: str, language: str, where: str) -> Entry:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise LexiconError(f"{where}: name: every entry needs a name")
    terms = raw.get("terms") or []
    words = [compiler.term(t, language, where) for t in terms if isinstance(t, str)]
    regexes = [t["re"] for t in terms if isinstance(t, dict) and "re" in t]
    if len(words) + len(regexes) != len(terms) or not terms:
        raise LexiconError(f"{where}: terms: expected a list of terms (words, or `re: <regex>`)")
    try:
        folded = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None
        token = re.compile("|".join(words)) if words else None
    except re.error as exc:
        raise LexiconError(f"{where}: terms: bad regex: {exc}") from None
    anchors, prefixes = set(), set()
    for t in terms:
        if isinstance(t, str):
            w, p = compiler.anchors(t, language)
            anchors |= w
            prefixes |= p
    extra = {k: v for k, v in raw.items() if k not in {"name", "terms", "match", "no_match"}}
    # the terms that are plain words, for callers that need them as folded-text phrases (vocabulary.py)
    extra["terms_plain"] = tuple(t for t in terms if isinstance(t, str) and WORD.fullmatch(t.replace(" ", "a")))
    return Entry(vocabulary, raw["name"], language, where, token, folded,
                 _strings(raw.get("match"), where, "match"), _strings(raw.get("no_match"), where, "no_match"), extra,
                 frozenset(anchors), tuple(sorted(prefixes)))


def load(root: Path = HERE) -> dict[str, Vocabulary]:
    """Every vocabulary under `root` (`<language>/<vocabulary>.yaml`), compiled."""
    raw = {(lang, path.stem): _read(path) for lang in LANGUAGES for path in sorted((root / lang).glob("*.yaml"))
           if path.stem != EXAMPLES}
    compiler = _Compiler(raw)
    by_vocabulary: dict[str, list[Entry]] = {}
    for (lang, name), entries in raw.items():
        for i, entry in enumerate(entries):
            label = entry.get("name", "?") if isinstance(entry, dict) else "?"
            where = f"{lang}/{name}.yaml entry {i + 1} ({label})"
            by_vocabulary.setdefault(name, []).append(_entry(compiler, entry, name, lang, where))
    return {name: Vocabulary(name, entries) for name, entries in by_vocabulary.items()}


VOCABULARIES = load()


def vocabulary(name: str) -> Vocabulary:
    return VOCABULARIES[name]


def read_data(name: str) -> Any:
    """A plain data file of the lexicon folder (e.g. `prototypes.yaml`, `es/unit_names.yaml` tables)."""
    return YAML(typ="safe").load((HERE / name).read_text(encoding="utf-8"))
