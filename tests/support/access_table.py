"""Who may reach what: every route of the app and every /live socket event, with the roles
allowed. tests/test_access_table.py holds the app to it: no route or socket event undeclared,
none declared that is gone, and each role gets exactly what is declared from a real server.

A new route must be added here, with the roles its docs/api.md row names.

The world the table speaks of (tests/test_access_table.py builds it): event A, a school with a
campus, a post, an incident its officer reported and was sent to, a help alarm that officer
raised, a found item and a lost report they logged (and the match between them), a lost
person, a message to that officer, a drill; event B with an officer of its own.
"""

from __future__ import annotations

ANONYMOUS = "anonymous"
OFFICER = "officer"  # joined event A; reported the incident and was sent to it
OFFICER_ELSEWHERE = "officer_elsewhere"  # joined event B only
ORGANIZER = "organizer"
COMMAND = "command"
ADMIN = "admin"
AREA_LEAD = "area_lead"  # a teacher who joined event A with its staff code, for one area

ROLES = (ANONYMOUS, OFFICER, OFFICER_ELSEWHERE, ORGANIZER, COMMAND, ADMIN, AREA_LEAD)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
# An area lead's token reaches only what names the role (docs/api.md, Area leads).
NOT_LEADS = SIGNED_IN - {AREA_LEAD}
STAFF = frozenset({ORGANIZER, COMMAND, ADMIN})
DESK = frozenset({COMMAND, ADMIN})  # command staff: dispatch, the lost-and-found desk
ONLY_ADMIN = frozenset({ADMIN})
ONLY_OFFICER = frozenset({OFFICER})
# Who may see event A: its officer and staff.
AT_EVENT = STAFF | {OFFICER}
# Who may see event A and act in it: organizers only read.
WORKERS = DESK | {OFFICER}

# The answer may not depend on who asks: the credential travels in the request itself (the
# sign-in form's fields, a tracking app's device token as its id or Basic password).
SAME_FOR_EVERYONE = "same for everyone"

E = "/api/v1/events/<int:event_id>"

ROUTES: dict[tuple[str, str], frozenset | str] = {
    # --- pages --------------------------------------------------------------------------------
    # The lead's phone holds only its token (no cookie): its page is /lead.
    ("GET", "/"): NOT_LEADS,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): SAME_FOR_EVERYONE,
    ("GET", "/officer"): EVERYONE,
    ("GET", "/officer-sw.js"): EVERYONE,
    ("GET", "/manifest.webmanifest"): EVERYONE,
    ("GET", "/lead"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/tiles/<int:z>/<int:x>/<int:y>.png"): EVERYONE,
    ("GET", "/command"): STAFF,
    ("GET", "/replay"): STAFF,
    ("GET", "/events/<int:event_id>/report"): STAFF,
    ("GET", "/events/<int:event_id>/report/ics214"): STAFF,
    ("GET", "/events/<int:event_id>/report.pdf"): STAFF,
    ("GET", "/events/<int:event_id>/report.zip"): STAFF,
    ("GET", "/events/<int:event_id>/report.geojson"): STAFF,
    ("GET", "/events/<int:event_id>/drills"): STAFF,
    ("GET", "/events/<int:event_id>/campus/edit"): ONLY_ADMIN,
    ("GET", "/events/<int:event_id>/found-items/sheet"): DESK,
    ("GET", "/found-items/<int:item_id>/sheet"): DESK,
    # --- signing in, joining (anonymous by nature) ------------------------------------------
    ("POST", "/api/v1/auth/login"): EVERYONE,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,  # anonymous: nothing to end (403 csrf)
    ("GET", "/api/v1/auth/me"): SIGNED_IN,
    ("POST", "/api/v1/join"): EVERYONE,
    ("POST", f"{E}/join"): EVERYONE,
    ("POST", "/api/v1/device-requests/<int:request_id>/poll"): EVERYONE,  # its secret
    ("POST", "/api/v1/device-requests/<int:request_id>/cancel"): EVERYONE,  # its secret
    ("GET", "/api/v1/lead/areas"): EVERYONE,
    ("GET", "/api/v1/openapi.json"): EVERYONE,  # describes the API, grants nothing
    ("POST", "/api/v1/lead/join"): EVERYONE,
    ("GET", "/track/osmand"): SAME_FOR_EVERYONE,
    ("POST", "/track/osmand"): SAME_FOR_EVERYONE,
    ("GET", "/track/osmand/"): SAME_FOR_EVERYONE,
    ("POST", "/track/osmand/"): SAME_FOR_EVERYONE,
    ("POST", "/track/owntracks"): SAME_FOR_EVERYONE,
    # --- staff logins ---------------------------------------------------------------------
    ("GET", "/api/v1/users"): ONLY_ADMIN,
    ("PATCH", "/api/v1/users/<int:user_id>"): ONLY_ADMIN,
    ("POST", "/api/v1/users/<int:user_id>/disable"): ONLY_ADMIN,
    ("POST", "/api/v1/users/<int:user_id>/enable"): ONLY_ADMIN,
    ("GET", "/api/v1/audit"): ONLY_ADMIN,
    # --- events, posts, roster ------------------------------------------------------------
    ("GET", "/api/v1/events"): NOT_LEADS,  # each sees the events they may (officers: theirs)
    ("POST", "/api/v1/events"): ONLY_ADMIN,
    ("GET", E): AT_EVENT,
    ("PUT", f"{E}/course"): ONLY_ADMIN,
    ("POST", f"{E}/posts"): ONLY_ADMIN,
    ("PATCH", "/api/v1/posts/<int:post_id>"): ONLY_ADMIN,
    ("POST", f"{E}/assignments"): ONLY_ADMIN,
    ("POST", f"{E}/recur"): ONLY_ADMIN,
    ("GET", f"{E}/officers"): STAFF,
    ("POST", f"{E}/staff-code"): ONLY_ADMIN,
    ("PUT", f"{E}/school-admin"): ONLY_ADMIN,
    # --- joining: command's side ----------------------------------------------------------
    ("GET", f"{E}/device-requests"): STAFF,
    ("POST", "/api/v1/device-requests/<int:request_id>/approve"): DESK,
    ("POST", "/api/v1/device-requests/<int:request_id>/refuse"): DESK,
    ("POST", f"{E}/officers/<int:officer_id>/revoke-devices"): DESK,
    ("POST", f"{E}/officers/<int:officer_id>/join-pin"): DESK,
    # --- tracking -------------------------------------------------------------------------
    ("POST", f"{E}/positions"): ONLY_OFFICER,
    ("GET", f"{E}/snapshot"): AT_EVENT,
    ("GET", f"{E}/me"): ONLY_OFFICER,
    ("POST", f"{E}/shift/check-in"): ONLY_OFFICER,
    ("POST", f"{E}/shift/check-out"): ONLY_OFFICER,
    ("POST", f"{E}/status"): ONLY_OFFICER,
    ("GET", f"{E}/place"): AT_EVENT,
    # --- incidents ------------------------------------------------------------------------
    ("POST", f"{E}/incidents"): WORKERS,
    ("GET", f"{E}/incidents"): AT_EVENT,
    ("GET", "/api/v1/incidents/<int:incident_id>"): AT_EVENT,
    ("POST", "/api/v1/incidents/<int:incident_id>/transitions"): WORKERS,  # the officer sent
    ("GET", "/api/v1/incidents/<int:incident_id>/nearest"): DESK,
    ("POST", "/api/v1/incidents/<int:incident_id>/assignments"): DESK,
    ("POST", "/api/v1/incidents/<int:incident_id>/respond"): ONLY_OFFICER,  # the officer sent
    ("POST", "/api/v1/incidents/<int:incident_id>/notes"): WORKERS,  # the reporter, the sent
    ("POST", "/api/v1/incidents/<int:incident_id>/photos"): WORKERS,
    ("GET", "/api/v1/photos/<int:photo_id>"): AT_EVENT,
    # Students' records: command, admin and the school's designated administrator (an
    # organizer login; event A has none).
    ("GET", "/api/v1/incidents/<int:incident_id>/students"): DESK,
    ("POST", "/api/v1/incidents/<int:incident_id>/students"): DESK,
    ("GET", f"{E}/students/access-log"): ONLY_ADMIN,
    # --- help alarms, alerts, messages ----------------------------------------------------
    ("POST", f"{E}/help"): ONLY_OFFICER,
    ("POST", "/api/v1/alerts/<int:alert_id>/cancel"): ONLY_OFFICER,  # the one who called
    ("GET", f"{E}/alerts"): AT_EVENT,
    ("POST", "/api/v1/alerts/<int:alert_id>/acknowledge"): DESK,
    ("POST", f"{E}/messages"): DESK,
    ("GET", f"{E}/messages"): AT_EVENT,
    ("POST", "/api/v1/messages/<int:message_id>/acknowledge"): ONLY_OFFICER,  # its recipient
    # --- lost and found -------------------------------------------------------------------
    ("POST", f"{E}/found-items"): WORKERS,
    ("GET", f"{E}/found-items"): AT_EVENT,
    ("GET", "/api/v1/found-items/<int:item_id>"): AT_EVENT,  # the officer logged it
    ("POST", "/api/v1/found-items/<int:item_id>/custody"): WORKERS,  # the custodian, the desk
    ("POST", "/api/v1/found-items/<int:item_id>/release"): DESK,
    ("POST", "/api/v1/found-items/<int:item_id>/photos"): WORKERS,
    ("GET", "/api/v1/found-item-photos/<int:photo_id>"): AT_EVENT,
    ("POST", f"{E}/lost-reports"): WORKERS,
    ("GET", f"{E}/lost-reports"): AT_EVENT,
    ("GET", "/api/v1/lost-reports/<int:report_id>"): AT_EVENT,  # the officer took it
    ("POST", "/api/v1/matches/<int:match_id>/confirm"): DESK,
    ("POST", "/api/v1/matches/<int:match_id>/reject"): DESK,
    # --- lost persons ---------------------------------------------------------------------
    ("POST", f"{E}/lost-persons"): WORKERS,
    ("POST", f"{E}/found-persons"): WORKERS,
    ("GET", f"{E}/lost-persons"): AT_EVENT,
    ("GET", "/api/v1/lost-persons/<int:person_id>"): AT_EVENT,
    ("POST", "/api/v1/lost-persons/<int:person_id>/searched"): WORKERS,
    ("POST", "/api/v1/lost-persons/<int:person_id>/found"): WORKERS,
    ("POST", "/api/v1/lost-persons/<int:person_id>/reunited"): WORKERS,
    ("POST", "/api/v1/lost-persons/<int:person_id>/photos"): WORKERS,
    ("POST", "/api/v1/lost-persons/<int:person_id>/agency-called"): DESK,
    ("POST", "/api/v1/lost-persons/<int:person_id>/cancel"): DESK,
    ("POST", "/api/v1/lost-persons/<int:person_id>/match"): DESK,
    ("GET", "/api/v1/lost-person-photos/<int:photo_id>"): AT_EVENT,
    # --- the campus -----------------------------------------------------------------------
    ("GET", f"{E}/campus"): AT_EVENT,
    ("GET", f"{E}/areas"): AT_EVENT,
    ("GET", f"{E}/campus.geojson"): DESK,
    ("PUT", f"{E}/campus"): ONLY_ADMIN,
    ("POST", f"{E}/campus/features"): ONLY_ADMIN,
    ("POST", f"{E}/areas"): ONLY_ADMIN,
    ("PATCH", "/api/v1/campus/features/<int:feature_id>"): ONLY_ADMIN,
    ("DELETE", "/api/v1/campus/features/<int:feature_id>"): ONLY_ADMIN,
    # --- drills ---------------------------------------------------------------------------
    ("POST", f"{E}/drills"): DESK,
    ("GET", f"{E}/drills"): AT_EVENT,
    ("GET", "/api/v1/drills/<int:drill_id>"): AT_EVENT,
    ("POST", "/api/v1/drills/<int:drill_id>/reports"): WORKERS | {AREA_LEAD},  # own areas
    ("POST", "/api/v1/drills/<int:drill_id>/all-clear"): DESK,
    ("PATCH", "/api/v1/drills/<int:drill_id>"): DESK,
    # --- a school's day after day ---------------------------------------------------------
    ("POST", f"{E}/proactive"): ONLY_OFFICER,
    ("GET", f"{E}/proactive"): AT_EVENT,
    # --- replay ---------------------------------------------------------------------------
    ("GET", f"{E}/replay"): STAFF,
    ("GET", f"{E}/replay/track"): STAFF,
}

# /live socket events. `join` asks for event A; the others act on the stream the socket
# joined: event A, except for the other event's officer, who joins event B once refused A.
# Anonymous sockets are refused at connect.
SOCKET_EVENTS: dict[str, frozenset] = {
    "join": AT_EVENT | {AREA_LEAD},
    "report": WORKERS | {OFFICER_ELSEWHERE},
    "position": frozenset({OFFICER, OFFICER_ELSEWHERE}),
    "help": frozenset({OFFICER, OFFICER_ELSEWHERE}),
}
