"""The legal moves of a lost-person search (pure rules, no database).

searching → found → reunited; searching → reunited (the guardian found them first);
searching → cancelled (reported in error, or the person turned up with nobody's help).
"""

from __future__ import annotations

from fieldops.errors import ApiError
from fieldops.lostpersons.models import LostPersonStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.SEARCHING: frozenset({S.FOUND, S.REUNITED, S.CANCELLED}),
    S.FOUND: frozenset({S.REUNITED}),
    S.REUNITED: frozenset(),
    S.CANCELLED: frozenset(),
}
FINAL = frozenset({S.REUNITED, S.CANCELLED})


def check_transition(current: S, to: S) -> None:
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
        raise ApiError(
            f"a lost person who is {current.value} cannot become {to.value}; allowed: {allowed}",
            code="illegal_transition",
            field="status",
            status=409,
        )
