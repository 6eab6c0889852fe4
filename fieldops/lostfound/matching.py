"""Ranking found items against lost reports.

A minimal stand-in with the agreed interface, so the services run; the real ranking
(rapidfuzz, synonyms, colours, time order, distance) replaces the body of `rank`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True)
class Described:
    id: int
    side: Literal["found", "lost"]
    category: str
    description: str
    colours: tuple[str, ...]
    brand: str
    at: datetime
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Suggestion:
    found_id: int
    lost_id: int
    score: float
    reasons: tuple[str, ...]


def rank(
    subject: Described, candidates: Iterable[Described], *, limit: int = 3
) -> list[Suggestion]:
    """The best `limit` candidates of the other side for `subject`, best first (stand-in:
    same category, then shared colours and brand)."""
    found: list[Suggestion] = []
    for other in candidates:
        if other.side == subject.side or other.category != subject.category:
            continue
        reasons = [f"same category ({subject.category})"]
        score = 0.5
        shared = set(subject.colours) & set(other.colours)
        if shared:
            score += 0.25
            reasons.append(f"colour {', '.join(sorted(shared))}")
        if subject.brand and subject.brand.lower() == other.brand.lower():
            score += 0.25
            reasons.append(f"brand {subject.brand}")
        pair = (subject.id, other.id) if subject.side == "found" else (other.id, subject.id)
        found.append(Suggestion(pair[0], pair[1], round(score, 3), tuple(reasons)))
    found.sort(key=lambda s: (-s.score, s.found_id, s.lost_id))
    return found[:limit]
