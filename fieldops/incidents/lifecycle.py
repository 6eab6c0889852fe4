"""The legal moves of an incident and of an officer sent to it (pure rules, no database)."""

from __future__ import annotations

from fieldops.errors import ApiError
from fieldops.incidents.models import AssignmentStatus as A
from fieldops.incidents.models import IncidentStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.REPORTED: frozenset({S.ACKNOWLEDGED, S.DISPATCHED, S.CANCELLED}),
    S.ACKNOWLEDGED: frozenset({S.DISPATCHED, S.RESOLVED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.RESOLVED, S.CANCELLED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.RESOLVED, S.CANCELLED}),
    S.ON_SCENE: frozenset({S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset(),
    S.CANCELLED: frozenset(),
}
FINAL = frozenset({S.RESOLVED, S.CANCELLED})
ACTIVE_ASSIGNMENT = (A.DISPATCHED, A.ACKNOWLEDGED, A.EN_ROUTE, A.ON_SCENE)
# How far an officer got, in order; the incident follows its most advanced officer.
RESPONSE_ORDER = [A.DISPATCHED, A.ACKNOWLEDGED, A.EN_ROUTE, A.ON_SCENE]
INCIDENT_FOR_RESPONSE = {
    A.DISPATCHED: S.DISPATCHED,
    A.ACKNOWLEDGED: S.DISPATCHED,
    A.EN_ROUTE: S.EN_ROUTE,
    A.ON_SCENE: S.ON_SCENE,
}
INCIDENT_ORDER = [S.REPORTED, S.ACKNOWLEDGED, S.DISPATCHED, S.EN_ROUTE, S.ON_SCENE]


def check_transition(current: S, to: S) -> None:
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
        raise ApiError(
            f"an incident that is {current.value} cannot become {to.value}; allowed: {allowed}",
            code="illegal_transition",
            field="to",
            status=409,
        )


def check_response(current: A, to: A) -> None:
    if current == A.RELEASED or to not in RESPONSE_ORDER[1:]:
        raise ApiError(
            f"cannot report {to.value} on an assignment that is {current.value}",
            code="illegal_transition",
            field="status",
            status=409,
        )
    if RESPONSE_ORDER.index(to) <= RESPONSE_ORDER.index(current):
        raise ApiError(
            f"already {current.value}; a response only moves forward",
            code="illegal_transition",
            field="status",
            status=409,
        )


def followed_status(current: S, responses: list[A]) -> S:
    """The incident's status after a response: its most advanced officer, never backwards."""
    best = max(
        (INCIDENT_FOR_RESPONSE[r] for r in responses if r in INCIDENT_FOR_RESPONSE),
        key=INCIDENT_ORDER.index,
        default=current,
    )
    if current in FINAL or INCIDENT_ORDER.index(best) <= INCIDENT_ORDER.index(current):
        return current
    return best
