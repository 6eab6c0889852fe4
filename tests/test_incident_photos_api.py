"""Photos on an incident over HTTP: real images only, no metadata out, only to who may see."""

from __future__ import annotations

import io

from PIL import Image

from tests.test_photos import phone_jpeg, png_of_size


def _upload(scene, incident_id, data: bytes, token=None, name="IMG_0001.JPG"):
    url = f"/api/v1/incidents/{incident_id}/photos"
    files = {"photo": (io.BytesIO(data), name)}
    if token is None:
        return scene.command.post(url, data=files, content_type="multipart/form-data")
    return scene.as_officer(token, "POST", url, data=files, content_type="multipart/form-data")


def test_a_phone_photo_is_stored_without_metadata_and_served_to_who_may_see(scene):
    reporter_id, token = scene.officer("Dana Reyes")
    _outsider_id, outsider_token = scene.officer("Outsider")
    incident_id = scene.report(token).get_json()["id"]
    original = phone_jpeg()
    assert b"GPS" in original or b"Exif" in original

    response = _upload(scene, incident_id, original, token)
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    record = scene.incident(incident_id)
    assert [p["id"] for p in record["photos"]] == [photo["id"]]
    assert record["timeline"][-1]["kind"] == "photo"
    assert record["timeline"][-1]["actor"]["id"] == reporter_id

    served = scene.command.client.get(photo["url"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"Exif" not in served.data and b"GPS" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (photo["width"], photo["height"])
    assert scene.as_officer(token, "GET", photo["url"]).status_code == 200
    assert scene.as_officer(outsider_token, "GET", photo["url"]).status_code == 404
    assert scene.app.test_client().get(photo["url"]).status_code == 401


def test_fake_oversized_and_missing_photos_are_refused_and_nothing_is_kept(scene):
    _officer_id, token = scene.officer("Dana Reyes")
    incident_id = scene.report(token).get_json()["id"]
    fake = _upload(scene, incident_id, b"<svg onload=alert(1)></svg>", token, name="cat.jpg")
    assert fake.status_code == 422
    assert fake.get_json()["error"] == {
        "code": "invalid_image",
        "message": fake.get_json()["error"]["message"],
        "field": "photo",
    }
    bomb = _upload(scene, incident_id, png_of_size(20_000, 20_000), token, name="bomb.png")
    assert bomb.status_code == 413 and bomb.get_json()["error"]["field"] == "photo"
    huge = _upload(scene, incident_id, b"\xff\xd8" + b"0" * (11 * 1024 * 1024), token)
    assert huge.status_code == 413
    missing = scene.as_officer(
        token, "POST", f"/api/v1/incidents/{incident_id}/photos", json={"photo": "x"}
    )
    assert missing.status_code == 422 and missing.get_json()["error"]["field"] == "photo"
    assert scene.incident(incident_id)["photos"] == []


def test_only_those_concerned_add_photos(scene):
    _reporter_id, token = scene.officer("Dana Reyes")
    _outsider_id, outsider_token = scene.officer("Outsider")
    incident_id = scene.report(token).get_json()["id"]
    assert _upload(scene, incident_id, phone_jpeg(), outsider_token).status_code == 404
    url = f"/api/v1/incidents/{incident_id}/photos"
    files = {"photo": (io.BytesIO(phone_jpeg()), "a.jpg")}
    organizer = scene.organizer.post(url, data=files, content_type="multipart/form-data")
    assert organizer.status_code == 403
    assert _upload(scene, incident_id, phone_jpeg()).status_code == 201  # command


def test_a_retried_upload_is_the_same_photo_and_another_image_is_a_new_one(scene):
    _officer_id, token = scene.officer("Dana Reyes")
    incident_id = scene.report(token).get_json()["id"]
    original = phone_jpeg()

    first = _upload(scene, incident_id, original, token)
    retry = _upload(scene, incident_id, original, token)  # the phone never saw the 201
    other = _upload(scene, incident_id, png_of_size(320, 240), token)

    assert (first.status_code, retry.status_code, other.status_code) == (201, 200, 201)
    assert retry.get_json() == first.get_json()
    record = scene.incident(incident_id)
    assert [p["id"] for p in record["photos"]] == [first.get_json()["id"], other.get_json()["id"]]
    assert [e["kind"] for e in record["timeline"]].count("photo") == 2
    second_incident = scene.report(token).get_json()["id"]
    assert _upload(scene, second_incident, original, token).status_code == 201
