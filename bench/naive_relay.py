"""The baseline for bench/live.py --baseline: the simplest Flask-SocketIO relay that does the
live map's job at all. It forwards every fix to every dashboard the moment it arrives, and
stores, checks, coalesces and authorizes nothing. fieldops's cost per fix is measured against
this one, in the same run, on the same machine (issue 13).

It speaks just enough of fieldops's protocol for the bench's clients: a staff sign-in that
sets a cookie, a socket that connects with a device token (an officer, known from the
`fieldops officer enroll --tokens` file) or a cookie (a dashboard), `join`, and `position`
acknowledged with `{"ok": true, "accepted": 1}` while a `positions` envelope of that one fix
goes to every dashboard.

    python bench/naive_relay.py --port 8123 --tokens tokens.json [--async-mode eventlet]
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime


def build(tokens: dict[str, int], async_mode: str):
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO, emit, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=async_mode, cors_allowed_origins="*")
    officers: dict[str, int] = {}  # sid -> officer id
    seq = [0]

    @app.post("/api/v1/auth/login")
    def login():
        response = jsonify(ok=True, csrf_token="relay")
        response.set_cookie("session", "relay")
        return response

    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @socketio.on("connect", namespace="/live")
    def connect(auth=None):
        token = (auth or {}).get("token")
        if token is not None:
            officers[request.sid] = tokens[token]
        else:
            join_room("dashboards")

    @socketio.on("disconnect", namespace="/live")
    def disconnect(*_reason):
        officers.pop(request.sid, None)

    @socketio.on("join", namespace="/live")
    def join(_payload):
        return {"ok": True, "seq": seq[0]}

    @socketio.on("position", namespace="/live")
    def position(fix):
        seq[0] += 1
        received = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        envelope = {
            "type": "positions",
            "seq": seq[0],
            "data": {
                "fixes": [fix | {"officer_id": officers[request.sid], "received_at": received}]
            },
        }
        emit("positions", envelope, to="dashboards", namespace="/live")
        return {"ok": True, "accepted": 1}

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="fieldops officer enroll --tokens file")
    parser.add_argument("--async-mode", default="eventlet")
    args = parser.parse_args()
    if args.async_mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    listed = json.load(open(args.tokens))["officers"]  # noqa: SIM115 - read once at start
    app, socketio = build({o["token"]: o["officer_id"] for o in listed}, args.async_mode)
    print(f"naive relay on 127.0.0.1:{args.port} ({args.async_mode})", flush=True)
    # threading: Werkzeug's own server, as Flask-SocketIO runs it (a bench on loopback only).
    extra = {"allow_unsafe_werkzeug": True} if args.async_mode == "threading" else {}
    socketio.run(app, host="127.0.0.1", port=args.port, log_output=False, **extra)


if __name__ == "__main__":
    main()
