"""The pages' stream model (model.js) on lost-and-found envelopes that arrive crossed: pushes
of concurrent writes can be sequenced in another order than they committed."""

from __future__ import annotations

from tests.test_stream_truth import apply_in_javascript


def _env(seq: int, type_: str, **data) -> dict:
    return {"type": type_, "seq": seq, "data": {"id": 1} | data}


def test_an_older_copy_of_a_found_item_never_replaces_a_newer_one():
    newer = {"status": "returned", "updated_at": "2026-12-01T10:05:00Z"}
    older = {"status": "in_custody", "updated_at": "2026-12-01T10:01:00Z"}
    held = apply_in_javascript(
        "command",
        {"found_items": []},
        [_env(1, "found_item", **newer), _env(2, "found_item", **older)],
        now_ms=0,
    )
    assert held["found_items"] == [{"id": 1} | newer]


def test_a_rejected_match_leaves_the_desk_and_a_confirmed_one_stays():
    suggested = {"status": "suggested", "updated_at": "2026-12-01T10:00:00Z"}
    held = apply_in_javascript(
        "command",
        {"matches": [{"id": 1} | suggested, {"id": 2} | suggested]},
        [
            _env(1, "match", status="rejected", updated_at="2026-12-01T10:01:00Z"),
            {
                "type": "match",
                "seq": 2,
                "data": {"id": 2, "status": "confirmed", "updated_at": "2026-12-01T10:01:00Z"},
            },
        ],
        now_ms=0,
    )
    assert [(m["id"], m["status"]) for m in held["matches"]] == [(2, "confirmed")]


def test_an_open_lost_report_is_kept_however_old_and_a_closed_one_for_the_rule():
    rule = {"statuses": ["closed", "returned"], "for_s": 3600}
    reports = [
        {"id": 1, "status": "open", "updated_at": "2026-12-01T08:00:00Z"},
        {"id": 2, "status": "returned", "updated_at": "2026-12-01T08:00:00Z"},
        {"id": 3, "status": "returned", "updated_at": "2026-12-01T09:30:00Z"},
    ]
    now_ms = 1796119200000  # 2026-12-01T10:00:00Z
    held = apply_in_javascript(
        "command", {"lost_reports": reports, "kept_closed_lost_reports": rule}, [], now_ms=now_ms
    )
    assert [r["id"] for r in held["lost_reports"]] == [1, 3]
