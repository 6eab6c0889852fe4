"""The pages people open, and the local tile source."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from fieldops import collector
from fieldops.auth.models import Role
from fieldops.events.access import events_for
from fieldops.events.schemas import event_to_dict
from fieldops.extensions import db
from fieldops.tracking import brake, ingest
from fieldops.tracking.models import ShiftLog
from fieldops.vocabulary import vocabulary
from fieldops.web import tiles

bp = Blueprint("web", __name__)

STAFF = (Role.ADMIN, Role.COMMAND, Role.ORGANIZER)


def map_config() -> dict:
    """What the pages' maps need to know about the base layer."""
    cfg = current_app.config
    if cfg.get("MBTILES_PATH"):
        return {
            "tile_url": url_for("web.tile", z=0, x=0, y=0).replace(
                "/0/0/0.png", "/{z}/{x}/{y}.png"
            ),
            "attribution": tiles.attribution(cfg["MBTILES_PATH"]),
            "max_zoom": 19,
        }
    return {
        "tile_url": cfg.get("TILE_URL") or "",
        "attribution": cfg.get("TILE_ATTRIBUTION"),
        "max_zoom": 19,
    }


@bp.get("/")
def index():
    """Sends each role to its page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login_page"))
    return redirect("/officer" if current_user.role == Role.OFFICER else "/command")


@bp.get("/command")
def command():
    """The command post's live map (staff only)."""
    if not current_user.is_authenticated or current_user.role not in STAFF:
        return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
    on_shift = officers_on_shift()
    events = [
        event_to_dict(e) | {"on_shift": on_shift.get(e.id, 0)} for e in events_for(current_user)
    ]
    return render_template(
        "command.html",
        events=events,
        map_config=map_config(),
        user=current_user,
        vocabulary=vocabulary(),
    )


def officers_on_shift() -> dict[int, int]:
    """Officers checked in now, per event: the map opens on the busiest event."""
    rows = db.session.execute(
        select(ShiftLog.event_id, func.count(func.distinct(ShiftLog.officer_id)))
        .where(ShiftLog.checked_out_at.is_(None))
        .group_by(ShiftLog.event_id)
    )
    return {event_id: count for event_id, count in rows}


@bp.get("/officer")
def officer():
    """The officer's phone page: join with a code, then check in and share location."""
    return render_template(
        "officer.html",
        map_config=map_config(),
        secure_url=secure_url(),
        vocabulary=vocabulary(),
    )


def secure_url() -> str | None:
    """Over plain HTTP, the page's HTTPS address on the same host, when this server has one: a
    phone shares its location, takes photos and installs the page only on a secure page."""
    port = current_app.config.get("HTTPS_PORT")
    if not port or request.is_secure:
        return None
    host = urlsplit(f"//{request.host}").hostname or "localhost"
    return f"https://{f'[{host}]' if ':' in host else host}:{port}/officer"


@bp.get("/manifest.webmanifest")
def manifest():
    """Makes the officer page installable to the home screen."""
    return (
        jsonify(
            {
                "name": "fieldops officer",
                "short_name": "fieldops",
                "start_url": "/officer",
                "display": "standalone",
                "background_color": "#101418",
                "theme_color": "#101418",
                "icons": [
                    {
                        "src": url_for("static", filename="icons/icon-192.png"),
                        "sizes": "192x192",
                        "type": "image/png",
                    },
                    {
                        "src": url_for("static", filename="icons/icon-512.png"),
                        "sizes": "512x512",
                        "type": "image/png",
                    },
                ],
            }
        ),
        200,
        {"Content-Type": "application/manifest+json"},
    )


@bp.get("/officer-sw.js")
def officer_service_worker():
    """The officer page's service worker, served from the root so its scope covers /officer."""
    response = send_from_directory(current_app.static_folder, "officer-sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response


@bp.get("/healthz")
def healthz():
    """Load balancers, operations and tests: the process is up, and how far its ingest
    buffer is behind (`ingest.oldest_pending_s` well above the push tick means overload),
    and how the garbage collector is set (fieldops.collector)."""
    return jsonify(ok=True, ingest=ingest.stats(), brake=brake.stats(), collector=collector.stats())


@bp.get("/tiles/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    """Base-map tiles from the local MBTiles file, for command posts without internet."""
    path = current_app.config.get("MBTILES_PATH")
    data = tiles.read_tile(path, z, x, y) if path else None
    if data is None:
        return "", 404
    return data, 200, {"Content-Type": "image/png", "Cache-Control": "public, max-age=86400"}
