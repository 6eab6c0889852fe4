"""Ranking found items against lost reports the way a property clerk does (pure: no database).

A suggestion's score is the sum of six parts, each with its reason: category, description, brand,
colour, time order and distance (WEIGHTS, together 1.0). A part that knows nothing (no colour
given, no position) adds nothing and says nothing; one that contradicts (a Samsung for an Apple,
a red bag for a blue one) takes points off and says so. A found item logged well before its owner
last saw it cannot be it and is not suggested at all.

Texts are read through the vocabulary first (synonyms, word forms, brands, colour words; a word
misspelt past the vocabulary is recognised with rapidfuzz), then compared word by word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from fieldops.lostfound import vocabulary as vocab
from fieldops.tracking.geometry import distance_m

# The most each part adds; a contradiction takes off the share given in its function.
WEIGHTS = {
    "category": 0.25,
    "description": 0.35,
    "brand": 0.10,
    "colour": 0.15,
    "time": 0.075,
    "distance": 0.075,
}
FLOOR = 0.35  # below this a pair is not worth a clerk's look
# An owner's "last seen" is a guess: a find this much earlier may still be theirs.
TIME_GRACE = timedelta(minutes=30)
CLOSE_IN_TIME = timedelta(hours=2)  # full credit up to here, then a little less each hour
NEAR_M = 500.0  # full credit within this distance, none beyond FAR_M
FAR_M = 5000.0
# rapidfuzz scores (0..100) from which two spellings are taken for one word or brand.
SAME_WORD = 85
BRAND_IN_TEXT = 90
FUZZY_MIN_LENGTH = 5  # shorter words are only taken as written ("back" is not "black")
SHOWN_WORDS = 4


@dataclass(frozen=True)
class Described:
    id: int
    side: Literal["found", "lost"]
    category: str
    description: str
    colours: tuple[str, ...]
    brand: str
    at: datetime  # when found / when last seen (aware UTC)
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Suggestion:
    found_id: int
    lost_id: int
    score: float  # 0..1
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    points: float
    reason: str | None  # None only when the part had nothing to go on


@dataclass(frozen=True)
class Profile:
    """A record as the matcher reads it; each dict maps the compared key to the words as written."""

    words: dict[str, str]
    colours: dict[str, str]
    brands: dict[str, str]
    text: str  # the description in lower case, for a brand named only in passing


def rank(
    subject: Described, candidates: Iterable[Described], *, limit: int = 3
) -> list[Suggestion]:
    """The best `limit` records of the other side for `subject`, best first, none below FLOOR.

    Candidates on the subject's own side are ignored."""
    scored = []
    for candidate in candidates:
        if candidate.side == subject.side:
            continue
        lost, found = (subject, candidate) if subject.side == "lost" else (candidate, subject)
        suggestion = compare(lost, found)
        if suggestion is not None and suggestion.score >= FLOOR:
            gap = abs((found.at - lost.at).total_seconds())
            scored.append((-suggestion.score, gap, candidate.id, suggestion))
    scored.sort(key=lambda row: row[:3])
    return [row[3] for row in scored[:limit]]


def compare(lost: Described, found: Described) -> Suggestion | None:
    """One pair scored with its reasons; None when the item was found before it could be lost."""
    time = time_part(lost.at, found.at)
    if time is None:
        return None
    lost_profile, found_profile = profile(lost), profile(found)
    parts = [
        category_part(lost.category, found.category),
        description_part(lost_profile.words, found_profile.words),
        brand_part(lost_profile, found_profile),
        colour_part(lost_profile.colours, found_profile.colours),
        time,
        distance_part(lost, found),
    ]
    score = min(1.0, max(0.0, sum(part.points for part in parts)))
    reasons = tuple(part.reason for part in parts if part.reason)
    return Suggestion(found_id=found.id, lost_id=lost.id, score=round(score, 3), reasons=reasons)


# --- the parts -------------------------------------------------------------------------------


def said(category: str) -> str:
    """A category as the desk reads it ("wallet / purse"), from the one vocabulary."""
    from fieldops.vocabulary import CATEGORY_LABELS

    return CATEGORY_LABELS.get(category, category).lower()


def category_part(lost: str, found: str) -> Part:
    weight = WEIGHTS["category"]
    if lost == found:
        return Part(weight, f"same category ({said(lost)})")
    if frozenset((lost, found)) in vocab.NEAR_CATEGORIES:
        return Part(0.6 * weight, f"near category ({said(lost)} ~ {said(found)})")
    if vocab.UNSURE_CATEGORY in (lost, found):
        return Part(0.3 * weight, f"category: {said(lost)} / {said(found)}")
    return Part(-0.4 * weight, f"category differs ({said(lost)} vs {said(found)})")


def description_part(lost: dict[str, str], found: dict[str, str]) -> Part:
    """Words in common, synonyms counted as one, over the words of both (Dice)."""
    if not lost or not found:
        return Part(0.0, None)
    pairs = shared_words(lost, found)
    if not pairs:
        return Part(0.0, None)
    similarity = 2 * len(pairs) / (len(lost) + len(found))
    shown = ", ".join(_alike(lost[a], found[b]) for a, b in pairs[:SHOWN_WORDS])
    more = f" (+{len(pairs) - SHOWN_WORDS})" if len(pairs) > SHOWN_WORDS else ""
    return Part(WEIGHTS["description"] * similarity, f"description: {shown}{more}")


def shared_words(lost: dict[str, str], found: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of (lost key, found key) for the same word: equal, or spelt nearly alike."""
    pairs = [(word, word) for word in lost if word in found]
    rest = [word for word in found if word not in lost and _fuzzy_candidate(word)]
    for word in lost:
        if word in found or not _fuzzy_candidate(word) or not rest:
            continue
        best = process.extractOne(word, rest, scorer=fuzz.ratio, score_cutoff=SAME_WORD)
        if best is not None:
            pairs.append((word, best[0]))
            rest.remove(best[0])
    return pairs


def brand_part(lost: Profile, found: Profile) -> Part:
    weight = WEIGHTS["brand"]
    if lost.brands and found.brands:
        for key, written in lost.brands.items():
            other = _same_brand(key, found.brands)
            if other is not None:
                return Part(weight, f"brand: {_alike(written, found.brands[other])}")
        return Part(-weight, f"brand differs: {_list(lost.brands)} vs {_list(found.brands)}")
    named, text = (lost.brands, found.text) if lost.brands else (found.brands, lost.text)
    for key, written in named.items():
        if len(key) >= 4 and fuzz.partial_ratio(key, text) >= BRAND_IN_TEXT:
            return Part(weight, f"brand: {written} (named in the other description)")
    return Part(0.0, None)


def colour_part(lost: dict[str, str], found: dict[str, str]) -> Part:
    weight = WEIGHTS["colour"]
    if not lost or not found:
        return Part(0.0, None)
    for family in lost:
        if family in found:
            return Part(weight, f"colour: {_alike(lost[family], found[family])}")
    for a in lost:
        for b in found:
            if "multi" in (a, b) or frozenset((a, b)) in vocab.NEAR_COLOURS:
                return Part(0.5 * weight, f"colour: {lost[a]} ~ {found[b]} (close)")
    return Part(-0.5 * weight, f"colour differs: {_list(lost)} vs {_list(found)}")


def time_part(lost_at: datetime, found_at: datetime) -> Part | None:
    """Found after it was lost; None when found too long before to be it."""
    weight = WEIGHTS["time"]
    gap = found_at - lost_at
    if gap < -TIME_GRACE:
        return None
    if gap < timedelta(0):
        return Part(0.0, f"found {_duration(-gap)} before it was last seen (within a guess)")
    if gap <= CLOSE_IN_TIME:
        return Part(weight, f"found {_duration(gap)} after it was lost")
    hours_late = (gap - CLOSE_IN_TIME) / timedelta(hours=1)
    return Part(
        weight * max(0.25, 1 - hours_late / 12), f"found {_duration(gap)} after it was lost"
    )


def distance_part(lost: Described, found: Described) -> Part:
    weight = WEIGHTS["distance"]
    if None in (lost.lat, lost.lon, found.lat, found.lon):
        return Part(0.0, None)
    metres = distance_m(lost.lat, lost.lon, found.lat, found.lon)
    reason = f"found {_metres(metres)} from where it was last seen"
    if metres <= NEAR_M:
        return Part(weight, reason)
    return Part(weight * max(0.0, 1 - (metres - NEAR_M) / (FAR_M - NEAR_M)), reason)


# --- reading a record through the vocabulary -------------------------------------------------


@lru_cache(maxsize=4096)
def profile(record: Described) -> Profile:
    words: dict[str, str] = {}
    colours: dict[str, str] = {}
    brands: dict[str, str] = {}
    for text in record.colours:
        for kind, key, written in read(text):
            if kind == "colour":
                colours.setdefault(key, written)
    for kind, key, written in read(record.brand):
        if kind == "brand":
            brands.setdefault(key, written)
    if record.brand.strip() and not brands:  # a brand the vocabulary does not know
        brands[_plain(record.brand)] = record.brand.strip()
    for kind, key, written in read(record.description):
        table = {"colour": colours, "brand": brands, "word": words}[kind]
        table.setdefault(key, written)
    return Profile(words=words, colours=colours, brands=brands, text=_plain(record.description))


def read(text: str) -> list[tuple[str, str, str]]:
    """(kind, key, as written) for each meaningful word or phrase: kind is word, colour or brand.

    A product gives two: "iPhone" is the word phone and the brand Apple."""
    out: list[tuple[str, str, str]] = []
    for clause in _CLAUSE.split(_fold(text)):  # a phrase never runs across a comma
        out.extend(_read_clause(_TOKEN.findall(clause)))
    return out


def _read_clause(written: list[str]) -> list[tuple[str, str, str]]:
    lower = [token.lower() for token in written]
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(lower):
        size, meaning = _phrase_at(lower, i)
        word = lower[i]
        if meaning is None and (word in vocab.STOPWORDS or _is_shade(lower, i)):
            i += 1
            continue
        if meaning is None:
            meaning = meaning_of(word) or ("word", word_form(word))
        out.extend(_expand(meaning, " ".join(written[i : i + size])))
        i += size
    return out


def meaning_of(word: str) -> tuple[str, str] | None:
    """What the vocabulary says a word is: as written, in its base form, or nearly so spelt."""
    return _meaning_of(word.lower())


@lru_cache(maxsize=8192)
def _meaning_of(word: str) -> tuple[str, str] | None:
    for form in (word, word_form(word)):
        if form in _MEANINGS:
            return _MEANINGS[form]
    if word.isalpha() and len(word) >= FUZZY_MIN_LENGTH:
        best = process.extractOne(word, _FUZZY_KEYS, scorer=fuzz.ratio, score_cutoff=SAME_WORD)
        if best is not None:
            return _MEANINGS[best[0]]
    return None


def word_form(word: str) -> str:
    """The base form compared: plurals and -ed/-ing endings off ("cracked" is "crack")."""
    if word in _MEANINGS or not word.isalpha() or len(word) <= 3:
        return word
    for ending, replacement in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(ending):
            return word[: -len(ending)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            return stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
    return word


def colour_family(written: str) -> str | None:
    """The family of the first colour word in `written` ("Navy" is blue)."""
    return next((key for kind, key, _ in read(written) if kind == "colour"), None)


def _expand(meaning: tuple[str, str], written: str) -> list[tuple[str, str, str]]:
    kind, key = meaning
    if kind == "product":
        brand, item = vocab.PRODUCTS[key]
        return [("word", item, written), ("brand", brand.lower(), written)]
    if kind == "brand":
        return [("brand", key.lower(), written)]
    return [(kind, key, written)]


def _phrase_at(lower: list[str], i: int) -> tuple[int, tuple[str, str] | None]:
    """The longest vocabulary phrase starting at i, as written or in base forms."""
    for size in range(min(_LONGEST, len(lower) - i), 1, -1):
        words = lower[i : i + size]
        for phrase in (" ".join(words), " ".join(word_form(w) for w in words)):
            if phrase in _MEANINGS:
                return size, _MEANINGS[phrase]
    return 1, None


def _is_shade(lower: list[str], i: int) -> bool:
    """A shade word directly before a colour ("dark blue") says nothing of its own."""
    if lower[i] not in vocab.SHADES or i + 1 >= len(lower):
        return False
    following = _meaning_of(lower[i + 1]) or _phrase_at(lower, i + 1)[1]
    return following is not None and following[0] == "colour"


def _same_brand(key: str, others: dict[str, str]) -> str | None:
    if key in others:
        return key
    squeezed = key.replace(" ", "")
    for other in others:
        if fuzz.ratio(squeezed, other.replace(" ", "")) >= SAME_WORD:
            return other
    return None


def _fuzzy_candidate(word: str) -> bool:
    return word.isalpha() and len(word) >= FUZZY_MIN_LENGTH - 1


def _alike(lost: str, found: str) -> str:
    return lost if lost.lower() == found.lower() else f"{lost} ≈ {found}"


def _list(written: dict[str, str]) -> str:
    return "/".join(written.values())


def _duration(gap: timedelta) -> str:
    minutes = round(gap / timedelta(minutes=1))
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes / 60
    return f"{hours:.0f} h" if hours >= 10 else f"{hours:.1f} h".replace(".0 h", " h")


def _metres(metres: float) -> str:
    if metres < 1000:
        return f"{max(10, round(metres, -1)):.0f} m"
    return f"{metres / 1000:.1f} km"


def _fold(text: str) -> str:
    """Accents off ("Fjällräven" is "Fjallraven") and possessives off ("runner's" is "runner")."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"['’]s\b", "", text)


def _plain(text: str) -> str:
    return " ".join(token.lower() for token in _TOKEN.findall(_fold(text)))


def _meanings() -> dict[str, tuple[str, str]]:
    """Every word and phrase of the vocabulary, read the way read() reads a text."""
    table: dict[str, tuple[str, str]] = {}
    entries = [
        *(("word", key, words) for key, words in vocab.ITEMS.items()),
        *(("colour", key, words) for key, words in vocab.COLOURS.items()),
        *(("brand", key, words) for key, words in vocab.BRANDS.items()),
        *(("product", key, (key,)) for key in vocab.PRODUCTS),
    ]
    for kind, key, words in entries:
        for word in words:
            table[_plain(word)] = (kind, key)  # products last: an iPhone is more than Apple
    return table


_TOKEN = re.compile(r"[A-Za-z0-9]+")
_CLAUSE = re.compile(r"[,;:()!?+&/.]")
_MEANINGS = _meanings()
_LONGEST = max(len(phrase.split()) for phrase in _MEANINGS)
_FUZZY_KEYS = [word for word in _MEANINGS if " " not in word and len(word) >= FUZZY_MIN_LENGTH]
