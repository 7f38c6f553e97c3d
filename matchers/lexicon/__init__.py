"""Word lists as data: per-language YAML files (`en/*.yaml`, `es/*.yaml`) compiled once at import.

A text is *rendered* once per language as `lemma|word` tokens ("Militares asesinaron" ->
`militar|militares asesinar|asesinaron`), so one lexicon term matches every inflection without regex
alternations. Term syntax (see README.md): `asesinar` (any inflection), `=killed` (this form only),
`tortur*` (forms starting so), `(him|her|)` (alternatives; empty = optional), `...` (up to four words),
`<forces>` / `<forces.police>` (another vocabulary's terms, same language), `re: <regex>` (on folded text).

    VIOLATIONS = vocabulary("violations")
    VIOLATIONS.find(render(text))   # -> [Hit(entry, words, ...)]

Speed: each term is indexed by its rarest required word, and its regex runs only on texts that have all
its required words (set tests), so the hundreds of terms cost a few dictionary lookups on most texts.
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

from monitor.domain.text import fold

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


class Rendered:
    """A text as `lemma|word` tokens per language, and folded (for `re:` terms).

    The word sets are built at once (they decide which terms to try); the token strings only when a term
    is tried, which most texts never need."""

    def __init__(self, text: str) -> None:
        found = list(WORD.finditer(text.lower()))
        self.text, self._ends = text, [m.end() for m in found]
        self.lowered = tuple(m.group(0) for m in found)  # the words as written, lowercase (accents kept)
        self.folded = fold(text)
        self.surface = [fold(w) for w in self.lowered]
        self.lemmas = {lang: [lemma(w, lang) for w in self.lowered] for lang in guess_languages(self.lowered)}
        self.surface_set = frozenset(self.surface)
        self.vocabulary = {lang: frozenset(found) | self.surface_set for lang, found in self.lemmas.items()}
        self._tokens: dict[str, str] | None = None
        self._prefixed: dict[tuple[str, ...], set[str]] = {}

    @property
    def tokens(self) -> Mapping[str, str]:
        """language -> "lemma|word lemma|word ..." """
        if self._tokens is None:
            self._tokens = {lang: " ".join(f"{a}|{b}" for a, b in zip(found, self.surface, strict=True))
                            for lang, found in self.lemmas.items()}
        return self._tokens

    def words(self, language: str, start: int, end: int) -> str:
        """The surface words of a span of the rendered tokens."""
        return " ".join(t.split("|", 1)[1] for t in self.tokens[language][start:end].split())

    def rest(self, language: str, end: int) -> str:
        """The text after a span of the tokens, as written (punctuation kept): what follows a name."""
        count = len(self.tokens[language][:end].split())
        return self.text[self._ends[count - 1]:] if count else self.text

    def prefixed(self, prefixes: tuple[str, ...]) -> set[str]:
        """Which of these prefixes some word starts with."""
        found = self._prefixed.get(prefixes)
        if found is None:
            words = [w for w in self.surface_set if w.startswith(prefixes)]
            found = self._prefixed[prefixes] = {p for p in prefixes for w in words if w.startswith(p)}
        return found


def guess_languages(words: Sequence[str]) -> tuple[str, ...]:
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    if counts["en"] > counts["es"]:
        return ("en",)
    return ("es",) if counts["es"] > counts["en"] else LANGUAGES


@lru_cache(maxsize=4096)
def render(text: str) -> Rendered:
    """Render a text for lexicon matching (cached: allegation, units and statements read the same passages)."""
    return Rendered(text)


@dataclass(frozen=True)
class Hit:
    """One term of an entry found in a text."""

    entry: Entry
    language: str  # "re" for a regex term on folded text
    start: int
    end: int
    words: str  # the words as written (folded)


@dataclass(frozen=True)
class Term:
    """One compiled term, and the words (or prefixes) one of which every match of it contains."""

    regex: re.Pattern[str]
    anchors: frozenset[str]
    prefixes: frozenset[str]
    # every required token's words and prefixes: all must be in a text before the regex is worth running
    requires: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()

    def possible(self, rendered: Rendered, words: frozenset[str]) -> bool:
        return all(not words.isdisjoint(need) or bool(prefixes and rendered.prefixed(prefixes))
                   for need, prefixes in self.requires or ((self.anchors, tuple(self.prefixes)),))


@dataclass(frozen=True)
class Entry:
    """A group of terms with one meaning (a kind of violation, a concept, a cue) and its examples."""

    vocabulary: str
    name: str
    language: str
    source: str  # "en/violations.yaml #3" for messages and test ids
    folded_regex: re.Pattern[str] | None = field(repr=False)  # `re:` terms, on folded text
    match: tuple[str, ...] = field(default=(), repr=False)
    no_match: tuple[str, ...] = field(default=(), repr=False)
    flags: Mapping[str, Any] = field(default_factory=dict)  # extra keys of the entry (e.g. intrinsic: true)
    # each term on its own, with the words it needs: a set test skips its regex on most texts
    terms: tuple[Term, ...] = field(default=(), repr=False)

    def find(self, rendered: Rendered) -> Iterator[Hit]:
        tokens = rendered.tokens.get(self.language)
        words = rendered.vocabulary.get(self.language)
        if tokens is not None and words is not None:
            for term in self.terms:
                if term.possible(rendered, words):
                    for m in term.regex.finditer(tokens):
                        yield Hit(self, self.language, m.start(), m.end(),
                                  rendered.words(self.language, m.start(), m.end()))
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
        # anchor word (or prefix) -> the (entry, term) positions that need it, per language: a text runs
        # only the regexes of terms whose words it has
        self._words: dict[str, dict[str, list[tuple[int, int]]]] = {lang: {} for lang in LANGUAGES}
        self._prefixes: dict[str, dict[str, list[tuple[int, int]]]] = {lang: {} for lang in LANGUAGES}
        for i, e in enumerate(self.entries):
            for j, term in enumerate(e.terms):
                for word in term.anchors:
                    self._words[e.language].setdefault(word, []).append((i, j))
                for prefix in term.prefixes:
                    self._prefixes[e.language].setdefault(prefix, []).append((i, j))
        self._prefix_tuple = {lang: tuple(found) for lang, found in self._prefixes.items()}
        self._folded = [i for i, e in enumerate(self.entries) if e.folded_regex is not None]

    def _candidates(self, rendered: Rendered) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {i: set() for i in self._folded}
        for lang, words in rendered.vocabulary.items():
            index = self._words[lang]
            pairs = [p for w in words if w in index for p in index[w]]
            prefixes = self._prefix_tuple[lang]
            if prefixes:
                pairs += [p for prefix in rendered.prefixed(prefixes) for p in self._prefixes[lang][prefix]]
            for i, j in pairs:
                found.setdefault(i, set()).add(j)
        return found

    def find(self, rendered: Rendered, names: Iterable[str] | None = None) -> list[Hit]:
        wanted = None if names is None else set(names)
        hits: list[Hit] = []
        for i, terms in sorted(self._candidates(rendered).items()):
            entry = self.entries[i]
            if wanted is not None and entry.name not in wanted:
                continue
            words = rendered.vocabulary.get(entry.language, frozenset())
            for j in sorted(terms):
                term = entry.terms[j]
                if term.possible(rendered, words):
                    tokens = rendered.tokens[entry.language]
                    hits.extend(Hit(entry, entry.language, m.start(), m.end(),
                                    rendered.words(entry.language, m.start(), m.end()))
                                for m in term.regex.finditer(tokens))
            if entry.folded_regex is not None:
                hits.extend(Hit(entry, "re", m.start(), m.end(), m.group(0))
                            for m in entry.folded_regex.finditer(rendered.folded))
        return hits

    def search(self, rendered: Rendered) -> bool:
        """Does any entry match?"""
        return bool(self.find(rendered))

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


# -- compiling terms ---------------------------------------------------------------------------------

_ANY = r"[^ |]+\|[^ ]+"


# Words too common to stand for a term: a term is looked for where its rarest required word is.
_COMMON = frozenset(
    {w for stop in _STOPWORDS.values() for w in stop}
    | {"and", "or", "have", "has", "be", "been", "not", "no", "from", "down", "up", "with", "him", "her", "them", "he",
       "she", "it", "take", "do", "did", "a", "an", "as", "into", "after", "out", "over", "all", "any", "lo", "le",
       "les", "un", "uno", "ni", "sin", "él", "el", "ser", "estar", "haber", "hacer", "dar", "ir", "tener", "this",
       "their", "his", "its", "who", "what", "when", "where", "one", "two", "dos", "tres", "time", "day", "year"})


def _specificity(option: tuple[set[str], set[str]]) -> tuple[bool, int]:
    words, prefixes = option
    forms = words | prefixes
    return (not forms & _COMMON, min((len(w) for w in forms), default=0))


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

    def requirements(self, text: str, language: str) -> list[tuple[set[str], set[str]]]:
        """The words (and prefixes) of each token a match must contain (optional ones left out)."""
        required = [p for p in text.split() if p != "..." and not (p.startswith("(") and p.endswith("|)"))
                    and "||" not in p and "(|" not in p]
        return [self.first(p, language) for p in required or text.split()[:1]]

    def anchors(self, text: str, language: str) -> tuple[set[str], set[str]]:
        """Words (and prefixes), one of which every match of the term contains: those of its most specific
        required token (longest words, no prefixes), so "the attack" is looked for only where "attack" is."""
        return max(self.requirements(text, language), key=_specificity)

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
    words = [t for t in terms if isinstance(t, str)]
    regexes = [t["re"] for t in terms if isinstance(t, dict) and "re" in t]
    if len(words) + len(regexes) != len(terms) or not terms:
        raise LexiconError(f"{where}: terms: expected a list of terms (words, or `re: <regex>`)")
    try:
        folded = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None
    except re.error as exc:
        raise LexiconError(f"{where}: terms: bad regex: {exc}") from None
    compiled = tuple(_term(compiler, t, language, where) for t in words)
    extra = {k: v for k, v in raw.items() if k not in {"name", "terms", "match", "no_match"}}
    # the terms that are plain words, for callers that need them as folded-text phrases (vocabulary.py)
    extra["terms_plain"] = tuple(t for t in terms if isinstance(t, str) and WORD.fullmatch(t.replace(" ", "a")))
    return Entry(vocabulary, raw["name"], language, where, folded, _strings(raw.get("match"), where, "match"),
                 _strings(raw.get("no_match"), where, "no_match"), extra, compiled)


def _term(compiler: _Compiler, text: str, language: str, where: str) -> Term:
    anchors, prefixes = compiler.anchors(text, language)
    needs = tuple((frozenset(w), tuple(sorted(p))) for w, p in compiler.requirements(text, language))
    return Term(re.compile(compiler.term(text, language, where)), frozenset(anchors), frozenset(prefixes), needs)


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
