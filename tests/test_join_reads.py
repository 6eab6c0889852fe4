"""A phone joining reads what it shows and little else: after a restart 2,000 of them rejoin at
once (issue 13). Most have nothing of most parts of their snapshot, and one statement asks
whether each part has any rows (fieldops.snapshots, `rows=`)."""

from __future__ import annotations

import re

from sqlalchemy import event as sql_event

# The tables the officer's parts read their rows from.
PART_TABLES = re.compile(
    r"\bFROM (alerts|drills|incidents|found_items|lost_persons|messages|assignments)\b"
)


def join_reading(app, token: str, event_id: int) -> tuple[dict, list[str]]:
    """Join a phone's stream; the ack and every SQL statement the server ran for it."""
    from fieldops.extensions import db, socketio

    phone = socketio.test_client(app, namespace="/live", auth={"token": token})
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sql_event.listen(engine, "before_cursor_execute", note)
    try:
        ack = phone.emit("join", {"event_id": event_id}, namespace="/live", callback=True)
    finally:
        sql_event.remove(engine, "before_cursor_execute", note)
        phone.disconnect(namespace="/live")
    assert ack["ok"], ack
    return ack["snapshot"], statements


def reading_parts(statements: list[str]) -> list[str]:
    return [s for s in statements if PART_TABLES.search(s)]


def test_a_phone_with_nothing_to_show_reads_no_part_of_its_snapshot(scene):
    _id, token = scene.officer("Lee Officer")
    snapshot, statements = join_reading(scene.app, token, scene.id)
    assert len(reading_parts(statements)) == 1, statements  # the one question, asked of all
    _again, statements = join_reading(scene.app, token, scene.id)  # the set-up now kept
    selects = [s for s in statements if s.startswith("SELECT")]
    assert len(selects) == 3, selects  # who, which event, then the one question
    assert snapshot["alerts"] == snapshot["messages"] == snapshot["incidents"] == []
    assert snapshot["found_items"] == snapshot["lost_persons"] == snapshot["drills"] == []
    assert snapshot["post"]["id"] == scene.post_id  # their post, from the set-up it shows
    assert snapshot["assignment"] is None


def test_a_phone_reads_the_part_it_has_rows_of_and_only_that(scene):
    _id, token = scene.officer("Lee Officer")
    url = f"/api/v1/events/{scene.id}/messages"
    sent = scene.command.post(url, json={"text": "Road closed at mile 3", "to": {"kind": "event"}})
    assert sent.status_code == 201, sent.get_json()
    snapshot, statements = join_reading(scene.app, token, scene.id)
    read = reading_parts(statements)
    assert len(read) == 2 and "FROM messages" in read[1], read
    assert [m["text"] for m in snapshot["messages"]] == ["Road closed at mile 3"]
