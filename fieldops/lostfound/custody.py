"""The chain of custody of a found item (pure rules, no database).

Police property-room practice: exactly one custodian at any moment (the `to` of the last
record); a hand-off is recorded by the one who holds the item, or by the desk (command and
admin users); nothing goes to its owner without an identity check and the name of who verified
it; after the retention period IDs, cards and phones go to the local agency, not to disposal;
the owner, the agency and disposal are final. Records are only ever appended.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldops.errors import ApiError, Forbidden
from fieldops.lostfound.models import CustodianKind as K
from fieldops.lostfound.models import IdentityMethod, ItemStatus

# Who may take an item from whom. A finder only ever hands an item in (the first record).
MOVES: dict[K, frozenset[K]] = {
    K.FINDER: frozenset({K.OFFICER, K.POST, K.DESK}),
    K.OFFICER: frozenset({K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY}),
    K.POST: frozenset({K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY}),
    K.DESK: frozenset({K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY, K.DISPOSAL}),
    K.OWNER: frozenset(),
    K.AGENCY: frozenset(),
    K.DISPOSAL: frozenset(),
}
FINAL = frozenset({K.OWNER, K.AGENCY, K.DISPOSAL})
# Only the desk releases, hands to the agency or disposes.
DESK_ONLY = FINAL
STATUS_AT = {K.OWNER: ItemStatus.RETURNED, K.AGENCY: ItemStatus.HANDED_TO_AGENCY}
STATUS_AT[K.DISPOSAL] = ItemStatus.DISPOSED


@dataclass(frozen=True)
class Holder:
    """A custodian: its kind and who (an officer's user id, a post's id, a person's name)."""

    kind: K
    user_id: int | None = None
    post_id: int | None = None
    name: str = ""

    def same_as(self, other: Holder) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == K.OFFICER:
            return self.user_id == other.user_id
        if self.kind == K.POST:
            return self.post_id == other.post_id
        return self.kind == K.DESK


@dataclass(frozen=True)
class Actor:
    """Who records the hand-off: the desk (command, admin), or an officer (and the post they
    are checked in at)."""

    user_id: int
    desk: bool = False
    post_id: int | None = None

    def holds(self, holder: Holder) -> bool:
        if self.desk:
            return True
        if holder.kind == K.OFFICER:
            return holder.user_id == self.user_id
        if holder.kind == K.POST:
            return self.post_id is not None and holder.post_id == self.post_id
        return False


@dataclass(frozen=True)
class Verification:
    method: IdentityMethod | None
    detail: str
    verified_by: int | None


def _refuse(message: str, field: str, status: int = 409, code: str = "illegal_hand_off"):
    return ApiError(message, code=code, field=field, status=status)


def check_hand_off(
    current: Holder,
    to: Holder,
    actor: Actor,
    *,
    verification: Verification | None = None,
    retention_over: bool = False,
    personal_data: bool = False,
) -> None:
    """Raise the refusal (naming the field) unless `actor` may hand the item from `current`
    to `to`; return None when the move is legal."""
    if current.kind in FINAL:
        raise _refuse(f"the item is already with the {current.kind.value}: nothing follows", "to")
    if to.kind not in MOVES[current.kind]:
        allowed = ", ".join(sorted(k.value for k in MOVES[current.kind]))
        raise _refuse(
            f"an item with the {current.kind.value} cannot go to the {to.kind.value}; "
            f"allowed: {allowed}",
            "to.kind",
        )
    if current.same_as(to):
        raise _refuse(f"the {to.kind.value} already holds the item", "to")
    if not actor.holds(current):
        raise Forbidden(f"only the item's custodian ({current.kind.value}) or the desk hands it on")
    if to.kind in DESK_ONLY and not actor.desk:
        raise Forbidden(f"only the desk hands an item to the {to.kind.value}")
    if to.kind == K.OWNER:
        if verification is None or verification.method is None or not verification.detail.strip():
            raise _refuse(
                "no release to the owner without an identity check: which document, or the "
                "contents the owner described",
                "identity_check",
                status=422,
                code="identity_check_required",
            )
        if verification.verified_by is None:
            raise _refuse(
                "an identity check needs who verified it",
                "identity_check.verified_by",
                status=422,
                code="identity_check_required",
            )
    if to.kind == K.DISPOSAL:
        if not retention_over:
            raise _refuse("the retention period is not over yet", "to.kind")
        if personal_data:
            raise _refuse(
                "items with personal data (IDs, cards, phones) go to the agency, not disposal",
                "to.kind",
            )


def status_after(current: ItemStatus, to: K) -> ItemStatus:
    """The item's status after a hand-off to `to` (matches move it otherwise)."""
    return STATUS_AT.get(to, current)
