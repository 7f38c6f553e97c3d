"""Alias matching: the watchlist's unit and case names compiled into word-boundary patterns.

Patterns run on `fold`ed text (case and accents ignored), except short all-caps aliases such as
"PF", which only match as written so "pf" inside a URL or word, or a lowercase abbreviation,
does not count. Unit ordinals are generated from the unit's name: "102nd Infantry Battalion" also
matches "102/o. Batallón de Infantería", "Batallón 102", "102° Batallón", "batallón de infantería
No. 102"; "22nd Military Zone" also matches "22/a. Zona Militar" and "Zona Militar 22".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.domain.text import fold, strip_accents
from monitor.domain.watchlist import Case, Unit, Watchlist

from .lexicon import read_data


@dataclass(frozen=True)
class AliasPattern:
    """One compiled name of a unit or case."""

    target: str  # "unit" or "case"
    id: str
    form: str  # the alias as written, or a description of the generated form
    regex: re.Pattern[str]
    folded: bool = True  # matched against folded text; False: accent-stripped text, case kept
    anchor: str = ""  # words every match contains: a plain substring test skips the regex on most texts
    bare: bool = False  # a bare institution read by the item's one country (`institution_patterns`)


@dataclass(frozen=True)
class AliasHit:
    """A pattern that matched a text, with the words it matched."""

    target: str
    id: str
    form: str
    matched: str
    start: int
    end: int
    through: int = 0  # where the whole phrase ends (a list or coordination), when it goes past `end`
    bare: bool = False  # from a bare institution's pattern, not a name the watchlist wrote


# English unit words and their Spanish equivalents, and the nouns that name a unit without their modifier
# ("102nd Battalion" does, "22nd Zone" does not): lexicon/unit_names.yaml.
_UNIT_NAMES = read_data("unit_names.yaml")
_NOUNS_ES: dict[str, str] = _UNIT_NAMES["nouns"]
_MODIFIERS_ES: dict[str, str] = _UNIT_NAMES["modifiers"]
_SPECIFIC_NOUNS = frozenset(_UNIT_NAMES["specific_nouns"])
_COUNTRIES: dict[str, list[str]] = read_data("countries.yaml")["countries"]
_COUNTRY_OF = {form: code for code, forms in _COUNTRIES.items() for form in forms}
_COUNTRY_WORDS = max(len(f.split()) for f in _COUNTRY_OF)
_ORDINAL_NAME = re.compile(r"^\s*(\d{1,4})(?:st|nd|rd|th|[°º]|/?[oa]\.?)?\s+(.+?)\s*$", re.IGNORECASE)


def ordinal(number: str) -> str:
    """Regex for a number written as an English or Spanish ordinal: 102, 102nd, 102°, 102/o., 22a."""
    return rf"(?<![\d.,/]){number}(?:st|nd|rd|th|°|\s?/\s?[oa]\.?|\.?[oa]\.?)?"


def phrase(text: str, plurals: bool = False) -> str:
    """Regex for a folded phrase with flexible spacing; `plurals`: each word may take -s / -es."""
    suffix = r"(?:e?s)?" if plurals else ""
    return r"\s+".join(re.escape(w) + (suffix if w[-1:].isalpha() else "") for w in fold(text).split())


def unit_ordinal_forms(unit: Unit) -> list[str]:
    """Generated regexes for a numbered unit ("102nd Infantry Battalion"); [] for unnumbered ones."""
    match = _ORDINAL_NAME.match(strip_accents(unit.name))
    if not match:
        return []
    number, rest = match.group(1), fold(match.group(2)).split()
    noun, modifiers = rest[-1], " ".join(rest[:-1])
    n = ordinal(number)
    en_mod = rf"(?:{phrase(modifiers)}\s+)" if modifiers else ""
    en_mod = en_mod + "?" if en_mod and noun in _SPECIFIC_NOUNS else en_mod
    forms = [rf"{n}\s+{en_mod}{re.escape(noun)}\b", rf"\b{re.escape(noun)}\s+(?:no\.?\s*|number\s+)?{number}\b",
             *_listed_forms(n, rf"{en_mod}{re.escape(noun)}s\b")]
    noun_es = _NOUNS_ES.get(noun)
    if noun_es:
        forms.extend(_spanish_forms(number, noun_es, _MODIFIERS_ES.get(modifiers, "") if modifiers else ""))
    return forms


_OTHER_ORDINAL = r"\d{1,4}(?:st|nd|rd|th)?"


def _listed_forms(n: str, plural: str) -> list[str]:
    """One number in a list before a plural unit noun ("the 27th and 41st infantry battalions"): the
    hit is the unit's own number (group `at`), so the list's other units keep theirs."""
    others = rf"(?:\s*,\s*{_OTHER_ORDINAL})*\s*,?\s+(?:and|&)\s+"
    return [rf"(?P<at>{n})(?=(?P<rest>{others}{_OTHER_ORDINAL}\s+{plural}))",
            rf"(?<![\w.,/]){_OTHER_ORDINAL}{others}(?P<at>{n})\s+{plural}"]


def _spanish_forms(number: str, noun: str, modifier: str) -> list[str]:
    mod = rf"(?:\s+{phrase(modifier)})" if modifier else ""
    mod = mod + "?" if mod and noun in _SPECIFIC_NOUNS else mod
    n = ordinal(number)
    numero = r"(?:(?:no|num|numero|n)\.?\s*|n\.?o\.?\s*)?"
    # "los batallones 27 y 41 (de infantería)", "las zonas militares 35, 27 y 19": the unit's number in a list
    plural = rf"{phrase(noun, plurals=True)}(?:\s+{phrase(modifier, plurals=True)})?" if modifier else \
        phrase(noun, plurals=True)
    listed = (rf"\b{plural}\s+(?:numeros\s+)?(?:\d{{1,4}}\s*(?:,|y|e)\s*)*(?P<at>{number})"
              rf"(?:\s*(?:,|y|e)\s*\d{{1,4}})*\b(?![.,]\d)")
    return [rf"{n}\s+{noun}{mod}\b", rf"\b{noun}{mod}\s+{numero}{number}\b(?![.,]\d)", listed]


def _is_acronym(alias: str) -> bool:
    # "PF", "SEDENA", "GN": short, all capitals. These stay case-sensitive.
    letters = alias.replace(".", "")
    return letters.isupper() and len(letters) <= 6 and " " not in alias


def compile_alias(target: str, owner: str, alias: str) -> AliasPattern:
    """One listed alias as a word-boundary pattern (case-sensitive when it is an acronym)."""
    if _is_acronym(alias):
        plain = re.escape(strip_accents(alias))
        return AliasPattern(target, owner, alias, re.compile(rf"(?<![\w.-]){plain}(?![\w-])"), folded=False,
                            anchor=strip_accents(alias))
    # Plurals: "Policía Federal" also matches "policías federales", "Iguala police" "Iguala polices".
    regex = phrase(alias, plurals=len(alias.split()) > 1)
    return AliasPattern(target, owner, alias, re.compile(rf"(?<!\w){regex}(?!\w)"),
                        anchor=max(fold(alias).split(), key=len, default=""))


def coordinated_aliases(target: str, owner: str, alias: str) -> list[AliasPattern]:
    """A two-word alias whose words a coordination splits: "federal and state police" names the Federal
    Police, "policías estatales y federales" the "policías federales". The hit is the alias's own modifier
    (group `at`), so the other force of the coordination keeps its hit."""
    words = fold(alias).split()
    if _is_acronym(alias) or len(words) != 2 or not all(w.isalpha() and len(w) >= 3 for w in words):
        return []
    first, second = (phrase(w, plurals=True) for w in words)
    between = r"(?:[^\W\d_]+\s+){1,2}?"
    english = rf"(?<!\w)(?P<at>{first})\s+(?:and|or)\s+{between}{second}(?!\w)"
    spanish = rf"(?<!\w){first}\s+[^\W\d_]+\s+(?:y|e|o)\s+(?P<at>{second})(?!\w)"
    return [AliasPattern(target, owner, f"{alias} (coordinated)", re.compile(r), anchor=words[i])
            for i, r in ((0, english), (1, spanish))]


def unit_patterns(unit: Unit) -> list[AliasPattern]:
    names = dict.fromkeys([unit.name, *unit.aliases])
    found = [compile_alias("unit", unit.id, a) for a in names if a.strip()]
    found.extend(p for a in names for p in coordinated_aliases("unit", unit.id, a))
    number = _ORDINAL_NAME.match(strip_accents(unit.name))
    found.extend(AliasPattern("unit", unit.id, f"ordinal of {unit.name!r}", re.compile(r),
                              anchor=number.group(1) if number else "")
                 for r in unit_ordinal_forms(unit))
    return found


def _force_of(alias: str, countries: Sequence[str]) -> str | None:
    """The force words of an alias that is a country form and a force, either order ("colombian air force"
    -> "air force", "fuerza aerea de colombia" -> "fuerza aerea"); None when the alias is anything else."""
    for form in sorted(countries, key=len, reverse=True):
        head = re.fullmatch(rf"{re.escape(form)}(?:['’]s?)?\s+([^\W\d_]+(?:\s+[^\W\d_]+){{0,2}})", alias)
        tail = re.fullmatch(rf"([^\W\d_]+(?:\s+[^\W\d_]+){{0,2}}?)\s+(?:(?:of|de|del)\s+(?:the\s+|la\s+|el\s+)?)?"
                            rf"{re.escape(form)}", alias)
        found = head or tail
        if found and found.group(1) not in _JOINERS:
            return found.group(1)
    return None


_JOINERS = frozenset({"of", "de", "del", "the", "la", "el"})
# the institutions a country has one of and a press names bare only as that one (`forces.yaml` institutions).
# Not "army" / "armed forces": "men in army uniform", "the uniforms of the national armed forces" name no
# force; not "police": a country has many police forces; not "marina" (also a harbour), "military", "naval".
_INSTITUTIONS = frozenset({"air force", "navy", "national guard", "fuerza aerea", "guardia nacional"})
_ANY_COUNTRY = re.compile(rf"(?<![^\W_])(?:{'|'.join(phrase(f) for f in sorted(_COUNTRY_OF, key=len, reverse=True))})"
                          r"(?![^\W_])")


def institution_patterns(units: Sequence[Unit]) -> dict[str, list[AliasPattern]]:
    """By country: the bare institution ("the air force", "la Fuerza Aérea", "Air Force helicopters") of each
    unit whose alias is that country's institution ("Colombian Air Force"), for an item about that
    country alone (`AliasIndex.find_in_item`). Not when two units of the country share the institution."""
    owners: dict[tuple[str, str], set[str]] = {}
    for unit in units:
        forms = _COUNTRIES.get(unit.country.upper(), []) if unit.country else []
        for alias in dict.fromkeys([unit.name, *unit.aliases]):
            force = _force_of(fold(alias), forms) if forms else None
            if force in _INSTITUTIONS:
                owners.setdefault((unit.country.upper(), force), set()).add(unit.id)
    found: dict[str, list[AliasPattern]] = {}
    for (country, force), ids in owners.items():
        if len(ids) == 1:
            found.setdefault(country, []).append(AliasPattern(
                "unit", next(iter(ids)), f"{force} (in an item about {country})",
                re.compile(rf"(?<!\w){phrase(force, plurals=True)}(?!\w)"), anchor=max(force.split(), key=len),
                bare=True))
    return found


def countries_in(folded: str) -> set[str]:
    """Every country a folded text names anywhere (codes)."""
    return {_COUNTRY_OF[" ".join(m.group(0).split())] for m in _ANY_COUNTRY.finditer(folded)}


def case_patterns(case: Case) -> list[AliasPattern]:
    # A case's `name` is often a headline ("Tlatlaya killings"); only its aliases are names.
    return [compile_alias("case", case.id, a) for a in dict.fromkeys(case.aliases) if a.strip()]


class AliasIndex:
    """Every alias of a watchlist, compiled once; `find` lists the hits in one text."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.countries = {u.id: u.country.upper() for u in watchlist.units if u.country}
        self.words = {u.id: _content_words(" ".join([u.name, *u.aliases])) for u in watchlist.units}
        self.patterns: tuple[AliasPattern, ...] = (
            *(p for u in watchlist.units for p in unit_patterns(u)),
            *(p for c in watchlist.cases for p in case_patterns(c)),
        )
        self.institutions = institution_patterns(watchlist.units)

    def find(self, text: str) -> list[AliasHit]:
        return self.find_in_item([text])[0]

    def find_in_item(self, texts: Sequence[str]) -> list[list[AliasHit]]:
        """The hits in each passage of one item. A name that one passage shows to be another country's force
        or the abbreviation of something else ("Brazil's Federal Police said ...", "cerebrospinal fluid
        (CSF)") means the same in the item's other passages ("Photo caption: Federal Police officers
        arrive", a headline "New CSF test"), unless a word beside it there names the unit's own country."""
        rows, elsewhere = [], set()
        folds = [fold(t) for t in texts]
        named = set().union(*map(countries_in, folds)) if self.institutions else set()
        patterns = (*self.patterns, *self.institutions.get(next(iter(named)), ())) if len(named) == 1 else self.patterns
        for text, folded in zip(texts, folds, strict=True):
            plain = strip_accents(text)
            hits = [_hit(p, m) for p in patterns if p.anchor in (folded if p.folded else plain)
                    for m in p.regex.finditer(folded if p.folded else plain)]
            dateline = _dateline(folded)
            row = []
            for hit in _longest_first(hits):
                if self._foreign(hit, folded, dateline) or self._defined_otherwise(hit, folded):
                    elsewhere.update(_keys(hit))
                else:
                    row.append((hit, folded))
            rows.append(row)
        return [[h for h, folded in row if not elsewhere & _keys(h) or self._own_country(h, folded)]
                for row in rows]

    def _own_country(self, hit: AliasHit, folded: str) -> bool:
        """Does a word beside a unit's alias name the unit's own country ("la Policía Nacional del Perú")?"""
        country = self.countries.get(hit.id)
        return bool(country) and _countries_named(_beside(hit, folded)) == {country}

    def _defined_otherwise(self, hit: AliasHit, folded: str) -> bool:
        """Is a unit's acronym here the abbreviation of something else, spelled out just before it in
        parentheses ("cerebrospinal fluid (CSF)", "las Fuerzas Armadas Nigerinas (FAN)")? Then the words
        spelled out share no word with the unit's names, or name another country."""
        if hit.target != "unit" or not _is_acronym(hit.form):
            return False
        before, after = folded[: hit.start].rstrip(), folded[hit.end:].lstrip()
        if not (before.endswith("(") and after.startswith(")")):
            return False
        spelled = re.findall(r"[^\W\d_]+", before[:-1])[-_SPELLED_OUT:]
        if not spelled:
            return False
        country = self.countries.get(hit.id)
        pairs = [" ".join(p) for p in zip(spelled, spelled[1:], strict=False)]
        named = _countries_named([*spelled, *pairs])
        shares = bool(_content_words(" ".join(spelled)) & self.words.get(hit.id, set()))
        return not shares or bool(country and named - {country})

    def _foreign(self, hit: AliasHit, folded: str, dateline: str | None = None) -> bool:
        """Does a word right beside a unit's alias name another country than the unit's ("French
        gendarmes", "Policía Nacional del Perú")? Then the alias means that country's force. So does a
        dateline ("Perú: la Policía Nacional golpeó...") naming another country, unless a word beside the
        alias names the unit's own."""
        country = self.countries.get(hit.id) if hit.target == "unit" else None
        if not country:
            return False
        named = _countries_named(_beside(hit, folded))
        return bool(named - {country}) or (not named and dateline not in (None, country))


_SPELLED_OUT = 6  # words before "(ACRONYM)" read as what it abbreviates


def _beside(hit: AliasHit, folded: str) -> list[str]:
    """The words and word pairs right beside a hit that may name a country: two before, one or two after
    (past an "of" / "de": "Policía Nacional del Perú")."""
    before = re.findall(r"[^\W_]+", folded[: hit.start])[-2:]
    after = re.findall(r"[^\W_]+", folded[hit.end:hit.end + 60])[:3]
    if after[:1] in (["de"], ["del"], ["of"], ["in"], ["en"]):
        after = after[1:]
    return [*before, *after[:1], " ".join(after[:2]), " ".join(before)]


def _keys(hit: AliasHit) -> set[tuple[str, str]]:
    """What makes two hits the same name of one unit: its alias, or the words matched."""
    return {(hit.id, hit.form), (hit.id, fold(hit.matched))}


def _countries_named(forms: Iterable[str]) -> set[str]:
    """The countries (codes) that these words or word pairs name ("peru", "el salvador")."""
    return {_COUNTRY_OF[w] for w in forms if w in _COUNTRY_OF}


def _content_words(text: str) -> set[str]:
    """The longer words of a text, folded: what a spelled-out acronym shares with a unit's names."""
    return {w for w in re.findall(r"[^\W\d_]+", fold(text)) if len(w) >= 4}


def _dateline(folded: str) -> str | None:
    """The country a text opens with as its dateline ("Perú: ...", "Yemen: ..."), if any."""
    head, colon, _ = folded.partition(":")
    words = " ".join(re.findall(r"[^\W_]+", head))
    return _COUNTRY_OF.get(words) if colon and len(words.split()) <= _COUNTRY_WORDS else None


def _hit(pattern: AliasPattern, match: re.Match[str]) -> AliasHit:
    """The words matched; a pattern with a group `at` (a unit in a list or coordination) names only those."""
    groups = pattern.regex.groupindex
    at = "at" if "at" in groups else 0
    through = max(match.end(), match.end("rest") if "rest" in groups else 0)
    return AliasHit(pattern.target, pattern.id, pattern.form, match.group(at), match.start(at), match.end(at),
                    through if through > match.end(at) else 0, pattern.bare)


def _longest_first(hits: Iterable[AliasHit]) -> list[AliasHit]:
    """Keep one hit per span: drop hits inside a longer (or equal, earlier-listed) hit."""
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[AliasHit] = []
    for hit in ordered:
        inside = any(k.start <= hit.start and hit.end <= k.end for k in kept)
        if not inside:
            kept.append(hit)
    return kept
