"""Lost and found over HTTP: logging found items and lost reports (idempotent), the chain of
custody from the finder's hand to the owner's, matches, retention, photos, the custody sheet."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.support.scene import POST


def found_body(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "category": "bag",
        "description": "small backpack with a water bottle",
        "colours": ["red"],
        "brand": "Osprey",
        "marks": "keyring with a bear",
        "lat": POST[0],
        "lon": POST[1],
        "found_at": datetime.now(UTC).isoformat(),
    } | overrides


def lost_body(**overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "category": "bag",
        "description": "red backpack, bear keyring",
        "colours": ["red"],
        "brand": "Osprey",
        "place": "near the mile 3 water table",
        "last_seen_at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        "owner_name": "Dana Runner",
        "owner_contact": "+1 555 0100",
    } | overrides


class Desk:
    """The scene plus the lost-and-found calls, as each role makes them."""

    def __init__(self, scene):
        self.scene = scene

    def log(self, token: str | None = None, **overrides):
        url = f"/api/v1/events/{self.scene.id}/found-items"
        body = found_body(**overrides)
        if token is None:
            return self.scene.command.post(url, json=body)
        return self.scene.as_officer(token, "POST", url, json=body)

    def lose(self, token: str | None = None, **overrides):
        url = f"/api/v1/events/{self.scene.id}/lost-reports"
        body = lost_body(**overrides)
        if token is None:
            return self.scene.command.post(url, json=body)
        return self.scene.as_officer(token, "POST", url, json=body)

    def hand_off(self, item_id: int, to: dict, token: str | None = None, **body):
        url = f"/api/v1/found-items/{item_id}/custody"
        if token is None:
            return self.scene.command.post(url, json={"to": to} | body)
        return self.scene.as_officer(token, "POST", url, json={"to": to} | body)

    def release(self, item_id: int, **body):
        url = f"/api/v1/found-items/{item_id}/release"
        return self.scene.command.post(url, json={"received_by": "Dana Runner"} | body)

    def item(self, item_id: int, auth=None) -> dict:
        response = (auth or self.scene.command).client.get(f"/api/v1/found-items/{item_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def desk(scene):
    return Desk(scene)


ID_CHECK = {"method": "document", "detail": "driver's licence, NY, name matches"}


def test_an_officer_logs_a_found_item_once_however_often_the_phone_sends_it(desk):
    _lee_id, lee = desk.scene.officer("Lee Officer")
    body = found_body()
    url = f"/api/v1/events/{desk.scene.id}/found-items"
    first = desk.scene.as_officer(lee, "POST", url, json=body)
    assert first.status_code == 201, first.get_json()
    again = desk.scene.as_officer(lee, "POST", url, json=body)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    other = desk.scene.as_officer(lee, "POST", url, json=body | {"brand": "Deuter"})
    assert other.status_code == 422
    assert other.get_json()["error"]["field"] == "client_id"


def test_a_found_item_starts_its_chain_in_the_finders_hand_with_its_place_in_words(desk):
    lee_id, lee = desk.scene.officer("Lee Officer")
    item = desk.log(lee).get_json()
    assert item["status"] == "in_custody"
    assert item["place"]  # "Mile 3 water", as for incidents
    assert item["custodian"] == {
        "kind": "officer",
        "name": "Lee Officer",
        "officer_id": lee_id,
        "post_id": None,
    }
    [first] = item["custody"]
    assert first["from"]["kind"] == "finder" and first["from"]["name"] == "Lee Officer"
    assert item["found_by"]["id"] == lee_id


def test_ids_cards_and_phones_are_flagged_as_personal_data_by_themselves(desk):
    for category in ("id_documents", "cards_money", "phone"):
        assert desk.log(category=category).get_json()["personal_data"] is True
    assert desk.log(category="keys").get_json()["personal_data"] is False
    assert desk.log(category="keys", personal_data=True).get_json()["personal_data"] is True


def test_a_body_that_is_not_right_names_its_field(desk):
    response = desk.log(category="umbrella")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "category"
    response = desk.lose(owner_name="  ")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "owner_name"


def test_an_item_goes_from_the_finder_to_its_owner_with_no_gap_and_an_identity_check(desk):
    scene = desk.scene
    lee_id, lee = scene.officer("Lee Officer")
    item = desk.log(lee, finder_name="Sam Spectator", finder_contact="sam@example.org").get_json()
    assert item["custody"][0]["from"]["name"] is None  # the phone's copy: the desk's to know
    assert desk.item(item["id"])["custody"][0]["from"] == {
        "kind": "finder",
        "name": "Sam Spectator",
        "officer_id": None,
        "post_id": None,
    }
    response = desk.hand_off(item["id"], {"kind": "post", "post_id": scene.post_id}, lee)
    assert response.status_code == 201, response.get_json()
    response = desk.hand_off(item["id"], {"kind": "desk"}, received_by="Desk Sergeant")
    assert response.status_code == 201, response.get_json()
    refused = desk.release(item["id"])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "identity_check"
    released = desk.release(item["id"], identity_check=ID_CHECK)
    assert released.status_code == 201, released.get_json()
    final = desk.item(item["id"])
    assert final["status"] == "returned"
    chain = final["custody"]
    assert [r["to"]["kind"] for r in chain] == ["officer", "post", "desk", "owner"]
    for before, after in zip(chain, chain[1:], strict=False):
        assert after["from"] == before["to"]  # no gap
    assert chain[-1]["identity_check"]["method"] == "document"
    assert chain[-1]["identity_check"]["verified_by"]["role"] == "command"
    # Nothing follows the owner.
    again = desk.hand_off(item["id"], {"kind": "desk"})
    assert again.status_code == 409


def test_only_the_custodian_or_the_desk_hands_an_item_on(desk):
    scene = desk.scene
    _lee_id, lee = scene.officer("Lee Officer")
    kim_id, kim = scene.officer("Kim Officer")
    item = desk.log(lee).get_json()
    assert (
        desk.hand_off(item["id"], {"kind": "officer", "officer_id": kim_id}, lee).status_code == 201
    )
    # Lee no longer holds it: Lee cannot see it handed on by them (nor take it back).
    refused = desk.hand_off(item["id"], {"kind": "desk"}, lee)
    assert refused.status_code in (403, 404)
    assert desk.hand_off(item["id"], {"kind": "desk"}, kim).status_code == 201
    # An officer never releases to an owner.
    url = f"/api/v1/found-items/{item['id']}/release"
    body = {"received_by": "Dana", "identity_check": ID_CHECK}
    assert scene.as_officer(kim, "POST", url, json=body).status_code in (403, 404)


def test_organizers_cannot_log_or_hand_off(desk):
    scene = desk.scene
    url = f"/api/v1/events/{scene.id}/found-items"
    assert scene.organizer.post(url, json=found_body()).status_code == 403
    item = desk.log().get_json()
    response = scene.organizer.post(
        f"/api/v1/found-items/{item['id']}/custody", json={"to": {"kind": "agency", "name": "PD"}}
    )
    assert response.status_code == 403


def test_a_lost_report_is_matched_confirmed_and_the_return_closes_it(desk):
    scene = desk.scene
    _lee_id, lee = scene.officer("Lee Officer")
    item = desk.log(lee).get_json()
    report = desk.lose().get_json()
    assert report["status"] == "open"
    got = scene.command.client.get(f"/api/v1/lost-reports/{report['id']}").get_json()
    [suggestion] = got["matches"]
    assert suggestion["found_item_id"] == item["id"] and suggestion["status"] == "suggested"
    assert suggestion["reasons"]
    assert desk.item(item["id"])["matches"][0]["id"] == suggestion["id"]
    confirm = scene.command.post(
        f"/api/v1/matches/{suggestion['id']}/confirm", json={"owner_contacted": True}
    )
    assert confirm.status_code == 200, confirm.get_json()
    assert confirm.get_json()["status"] == "confirmed"
    assert desk.item(item["id"])["status"] == "awaiting_pickup"
    assert desk.release(item["id"], identity_check=ID_CHECK).status_code == 201
    got = scene.command.client.get(f"/api/v1/lost-reports/{report['id']}").get_json()
    assert got["status"] == "returned"


def test_only_the_desk_confirms_a_match(desk):
    scene = desk.scene
    _lee_id, lee = scene.officer("Lee Officer")
    desk.log(lee)
    desk.lose()
    report = desk.lose(client_id=str(uuid.uuid4())).get_json()
    match_id = scene.command.client.get(f"/api/v1/lost-reports/{report['id']}").get_json()[
        "matches"
    ][0]["id"]
    url = f"/api/v1/matches/{match_id}/confirm"
    assert scene.organizer.post(url).status_code == 403
    assert scene.as_officer(lee, "POST", url).status_code == 403


def test_ids_go_to_the_agency_and_nothing_is_disposed_of_before_retention_ends(desk, app):
    item = desk.log(category="id_documents").get_json()
    keys = desk.log(category="keys").get_json()
    refused = desk.hand_off(item["id"], {"kind": "disposal"})
    assert refused.status_code == 409  # retention not over
    _past_retention(app, desk.scene.id)
    listed = desk.scene.command.client.get(
        f"/api/v1/events/{desk.scene.id}/found-items?retention=1"
    ).get_json()
    assert [i["id"] for i in listed["found_items"]] == [item["id"], keys["id"]]
    refused = desk.hand_off(item["id"], {"kind": "disposal"})
    assert refused.status_code == 409 and "agency" in refused.get_json()["error"]["message"]
    handed = desk.hand_off(item["id"], {"kind": "agency", "name": "NYPD 68th Precinct"})
    assert handed.status_code == 201
    assert desk.item(item["id"])["status"] == "handed_to_agency"
    assert desk.hand_off(keys["id"], {"kind": "disposal"}).status_code == 201


def _past_retention(app, event_id: int) -> None:
    """The event ended long ago: its items' retention is over."""
    from fieldops.db import write_transaction
    from fieldops.extensions import db
    from fieldops.lostfound.models import FoundItem

    with app.app_context(), write_transaction():
        for item in db.session.scalars(db.select(FoundItem).where(FoundItem.event_id == event_id)):
            item.retain_until = datetime.now(UTC) - timedelta(days=1)


def test_retention_runs_from_the_events_end_for_its_retention_days(desk, app):
    from fieldops.events.models import Event
    from fieldops.extensions import db

    item = desk.log().get_json()
    with app.app_context():
        event = db.session.get(Event, desk.scene.id)
        assert event.retention_days == 30
        expected = event.ends_at + timedelta(days=30)
    assert item["retain_until"] == expected.isoformat().replace("+00:00", "Z")


def test_the_custody_record_is_append_only(desk, app):
    from fieldops.db import write_transaction
    from fieldops.extensions import db
    from fieldops.lostfound.models import CustodyRecord

    desk.log()
    with app.app_context():
        with pytest.raises(RuntimeError, match="append-only"), write_transaction():
            record = db.session.scalars(db.select(CustodyRecord)).first()
            record.to_name = "someone else"
        with pytest.raises(RuntimeError, match="append-only"), write_transaction():
            db.session.delete(db.session.scalars(db.select(CustodyRecord)).first())


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "PNG")
    return out.getvalue()


def test_a_found_item_photo_is_stored_once_and_shown_to_who_may_see_the_item(desk):
    scene = desk.scene
    _lee_id, lee = scene.officer("Lee Officer")
    _kim_id, kim = scene.officer("Kim Officer")
    item = desk.log(lee).get_json()
    url = f"/api/v1/found-items/{item['id']}/photos"

    def upload(token):
        return scene.as_officer(token, "POST", url, data={"photo": (io.BytesIO(_png()), "bag.png")})

    first = upload(lee)
    assert first.status_code == 201, first.get_json()
    assert upload(lee).status_code == 200
    photo = first.get_json()
    assert desk.item(item["id"])["photos"] == [photo]
    assert scene.command.client.get(photo["url"]).mimetype == "image/jpeg"
    assert scene.as_officer(kim, "GET", photo["url"]).status_code == 404


def test_the_custody_sheet_prints_the_chain_for_the_desk_only(desk):
    scene = desk.scene
    item = desk.log(finder_name="Sam Spectator").get_json()
    page = scene.command.client.get(f"/found-items/{item['id']}/sheet")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Found item" in html and "Sam Spectator" in html and "Signature" in html
    assert scene.organizer.client.get(f"/found-items/{item['id']}/sheet").status_code == 403
    all_items = scene.command.client.get(f"/events/{scene.id}/found-items/sheet")
    assert all_items.status_code == 200


def test_a_lost_report_is_taken_once_however_often_it_is_sent(desk):
    _lee_id, lee = desk.scene.officer("Lee Officer")
    body = lost_body()
    url = f"/api/v1/events/{desk.scene.id}/lost-reports"
    first = desk.scene.as_officer(lee, "POST", url, json=body)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["owner_contact"] is None  # the desk's, not the phone's
    again = desk.scene.as_officer(lee, "POST", url, json=body)
    assert (again.status_code, again.get_json()["id"]) == (200, first.get_json()["id"])
    other = desk.scene.as_officer(lee, "POST", url, json=body | {"owner_name": "Someone Else"})
    assert other.status_code == 422 and other.get_json()["error"]["field"] == "client_id"
