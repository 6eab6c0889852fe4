"""The chain of custody: the pure rules over every pair, and a state machine (hypothesis)
that hands items around at random through the real API and checks, after every step, that an
item has exactly one custodian, its chain has no gap, nothing is released without a
verification and nothing is edited away."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from fieldops.errors import ApiError
from fieldops.lostfound import custody
from fieldops.lostfound.custody import Actor, Holder, Verification
from fieldops.lostfound.models import CustodianKind as K
from fieldops.lostfound.models import IdentityMethod, ItemStatus

# The property room's moves, written out: from whom an item may go to whom.
EXPECTED = {
    K.FINDER: {K.OFFICER, K.POST, K.DESK},
    K.OFFICER: {K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY},
    K.POST: {K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY},
    K.DESK: {K.OFFICER, K.POST, K.DESK, K.OWNER, K.AGENCY, K.DISPOSAL},
    K.OWNER: set(),
    K.AGENCY: set(),
    K.DISPOSAL: set(),
}
CHECKED = Verification(IdentityMethod.DOCUMENT, "passport", verified_by=1)


def holder(kind: K, n: int = 1) -> Holder:
    return Holder(
        kind,
        user_id=n if kind == K.OFFICER else None,
        post_id=n if kind == K.POST else None,
        name=f"{kind.value} {n}",
    )


def test_the_table_is_the_property_rooms():
    assert {k: set(v) for k, v in custody.MOVES.items()} == EXPECTED


@pytest.mark.parametrize(("current", "to"), list(itertools.product(K, K)))
def test_every_pair_of_custodians(current, to):
    """The desk, with everything a move may need: legal exactly when the table says so (and
    not to the holder itself)."""
    args = dict(verification=CHECKED, retention_over=True, personal_data=False)
    same = holder(current, 1).same_as(holder(to, 1))
    if to in EXPECTED[current] and not same:
        custody.check_hand_off(holder(current, 1), holder(to, 1), Actor(99, desk=True), **args)
    else:
        with pytest.raises(ApiError) as refused:
            custody.check_hand_off(holder(current, 1), holder(to, 1), Actor(99, desk=True), **args)
        assert refused.value.status == 409
    # Two different officers or posts: a hand-off between them is legal where the table says.
    if to == current and to in (K.OFFICER, K.POST) and to in EXPECTED[current]:
        custody.check_hand_off(holder(current, 1), holder(to, 2), Actor(99, desk=True), **args)


@pytest.mark.parametrize("to", sorted(EXPECTED[K.OFFICER]))
def test_an_officer_hands_on_only_what_they_hold(to):
    args = dict(verification=CHECKED, retention_over=True)
    target = holder(to, 2)
    with pytest.raises(ApiError) as refused:
        custody.check_hand_off(holder(K.OFFICER, 1), target, Actor(7), **args)
    assert refused.value.status == 403
    if to in custody.DESK_ONLY:  # even the holder: only the desk releases, hands over, disposes
        with pytest.raises(ApiError):
            custody.check_hand_off(holder(K.OFFICER, 1), target, Actor(1), **args)
    else:
        custody.check_hand_off(holder(K.OFFICER, 1), target, Actor(1), **args)
        # An officer at the post holds what the post holds; one elsewhere does not.
        custody.check_hand_off(holder(K.POST, 1), target, Actor(7, post_id=1), **args)
        with pytest.raises(ApiError):
            custody.check_hand_off(holder(K.POST, 1), target, Actor(7, post_id=3), **args)


@pytest.mark.parametrize(
    "verification",
    [
        None,
        Verification(None, "passport", 1),
        Verification(IdentityMethod.CONTENTS, "  ", 1),
        Verification(IdentityMethod.DOCUMENT, "passport", None),
    ],
)
def test_no_release_to_the_owner_without_an_identity_check_and_a_verifier(verification):
    with pytest.raises(ApiError) as refused:
        custody.check_hand_off(
            holder(K.DESK), holder(K.OWNER), Actor(1, desk=True), verification=verification
        )
    assert refused.value.status == 422 and refused.value.field.startswith("identity_check")


def test_disposal_waits_for_retention_and_never_takes_personal_data():
    desk = Actor(1, desk=True)
    with pytest.raises(ApiError):
        custody.check_hand_off(holder(K.DESK), holder(K.DISPOSAL), desk, retention_over=False)
    with pytest.raises(ApiError, match="agency"):
        custody.check_hand_off(
            holder(K.DESK), holder(K.DISPOSAL), desk, retention_over=True, personal_data=True
        )
    custody.check_hand_off(holder(K.DESK), holder(K.AGENCY), desk, personal_data=True)


@pytest.mark.parametrize("to", list(K))
def test_the_status_follows_the_last_custodian(to):
    expected = {
        K.OWNER: ItemStatus.RETURNED,
        K.AGENCY: ItemStatus.HANDED_TO_AGENCY,
        K.DISPOSAL: ItemStatus.DISPOSED,
    }.get(to, ItemStatus.MATCHED)
    assert custody.status_after(ItemStatus.MATCHED, to) == expected


# --- the state machine, through the real API -----------------------------------------------


def test_items_handed_around_at_random_keep_an_unbroken_chain(scene, app):
    lee_id, lee = scene.officer("Lee Officer")  # checked in at the post
    kim_id, kim = scene.officer("Kim Officer", on_shift=False)
    people = {"command": None, "lee": lee, "kim": kim}
    targets = {
        "lee": {"kind": "officer", "officer_id": lee_id},
        "kim": {"kind": "officer", "officer_id": kim_id},
        "post": {"kind": "post", "post_id": scene.post_id},
        "desk": {"kind": "desk"},
        "agency": {"kind": "agency", "name": "Local PD"},
        "disposal": {"kind": "disposal"},
    }

    def call(who: str, method: str, url: str, **kwargs):
        if people[who] is None:
            if method == "GET":
                return scene.command.client.get(url)
            return scene.command.post(url, **kwargs)
        return scene.as_officer(people[who], method, url, **kwargs)

    class Custody(RuleBasedStateMachine):
        """One item per run, handed around by anyone to anyone."""

        @initialize(
            by=st.sampled_from(["command", "lee", "kim"]),
            category=st.sampled_from(["bag", "phone", "keys", "id_documents"]),
        )
        def log(self, by, category):
            body = {
                "client_id": str(uuid.uuid4()),
                "category": category,
                "found_at": datetime.now(UTC).isoformat(),
            }
            response = call(by, "POST", f"/api/v1/events/{scene.id}/found-items", json=body)
            assert response.status_code == 201, response.get_json()
            url = f"/api/v1/found-items/{response.get_json()['id']}"
            self.item = scene.command.client.get(url).get_json()  # the desk's copy: all names
            self.seen = self.item["custody"]

        @rule(by=st.sampled_from(["command", "lee", "kim"]), to=st.sampled_from(sorted(targets)))
        def hand_off(self, by, to):
            url = f"/api/v1/found-items/{self.item['id']}/custody"
            response = call(by, "POST", url, json={"to": targets[to]})
            self.expect(response, by)

        @rule(by=st.sampled_from(["command", "lee"]), checked=st.booleans())
        def release(self, by, checked):
            body = {"received_by": "Dana Runner"}
            if checked:
                body["identity_check"] = {"method": "contents", "detail": "a blue pen inside"}
            url = f"/api/v1/found-items/{self.item['id']}/release"
            response = call(by, "POST", url, json=body)
            if not checked:
                assert response.status_code in (403, 404, 409, 422)
            self.expect(response, by)

        @rule()
        def retention_ends(self):
            from fieldops.db import write_transaction
            from fieldops.extensions import db
            from fieldops.lostfound.models import FoundItem

            with app.app_context(), write_transaction():
                item = db.session.get(FoundItem, self.item["id"])
                item.retain_until = datetime.now(UTC) - timedelta(minutes=1)

        def expect(self, response, by):
            before = self.seen
            now = scene.command.client.get(f"/api/v1/found-items/{self.item['id']}").get_json()
            self.item, self.seen = now, now["custody"]
            grown = len(self.seen) - len(before)
            if response.status_code == 201:
                assert grown == 1
                if by != "command":  # an officer hands on only what they held
                    held = before[-1]["to"]
                    assert held["kind"] in ("officer", "post"), held
            else:
                assert response.status_code in (403, 404, 409, 422), response.get_json()
                assert grown == 0

        @invariant()
        def nothing_edited_away(self):
            if not hasattr(self, "item"):
                return
            now = scene.command.client.get(f"/api/v1/found-items/{self.item['id']}").get_json()
            assert now["custody"][: len(self.seen)] == self.seen

        @invariant()
        def one_custodian_and_no_gap(self):
            if not hasattr(self, "item"):
                return
            chain = self.seen
            assert chain and chain[0]["from"]["kind"] == "finder"
            assert self.item["custodian"] == chain[-1]["to"]  # exactly one: the last `to`
            for before, after in zip(chain, chain[1:], strict=False):
                assert after["from"] == before["to"]
                assert before["to"]["kind"] not in ("owner", "agency", "disposal")

        @invariant()
        def no_release_without_a_verification(self):
            if not hasattr(self, "item"):
                return
            for record in self.seen:
                if record["to"]["kind"] == "owner":
                    check = record["identity_check"]
                    assert check and check["detail"] and check["verified_by"]
                if record["to"]["kind"] == "disposal":
                    assert not self.item["personal_data"]

    run_state_machine_as_test(
        Custody,
        settings=settings(
            max_examples=12,
            database=None,  # nothing written to the working tree
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
