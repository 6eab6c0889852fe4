"""The database schema, the pages' access rules, the local tile source (the CLI: test_cli.py)."""

import sqlite3

import pytest


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from fieldops.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(app):
    from fieldops.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_failed_write_transaction_publishes_nothing(app):
    from fieldops.db import after_commit, write_transaction

    published = []
    with app.app_context():
        with pytest.raises(RuntimeError), write_transaction():
            after_commit(lambda: published.append("lie"))
            raise RuntimeError("rolled back")
        with write_transaction():
            after_commit(lambda: published.append("truth"))
    assert published == ["truth"]


@pytest.mark.parametrize("path", ["/command"])
def test_staff_pages_send_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_officers_are_not_shown_the_command_page(client, make_event, auth):
    event = make_event()
    auth.join(event["code"])
    response = client.get("/command")
    assert response.status_code == 302


def test_the_officer_page_and_manifest_are_served(client):
    assert client.get("/officer").status_code == 200
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.get_json()["start_url"] == "/officer"


def _mbtiles(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    conn.execute(
        "CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)"
    )
    conn.execute("INSERT INTO metadata VALUES ('attribution', 'Local survey')")
    # z=1, x=0, XYZ y=0 is TMS row 1
    conn.execute("INSERT INTO tiles VALUES (1, 0, 1, ?)", (b"\x89PNG-north-west",))
    conn.commit()
    conn.close()


def test_local_mbtiles_are_served_with_the_y_axis_flipped(app, client, tmp_path):
    path = tmp_path / "city.mbtiles"
    _mbtiles(path)
    app.config["MBTILES_PATH"] = str(path)
    response = client.get("/tiles/1/0/0.png")
    assert response.status_code == 200 and response.data == b"\x89PNG-north-west"
    assert response.headers["Content-Type"] == "image/png"
    assert client.get("/tiles/1/0/1.png").status_code == 404
    assert client.get("/tiles/1/5/0.png").status_code == 404


def test_the_map_config_points_at_local_tiles_when_configured(app, tmp_path):
    from fieldops.web.routes import map_config

    path = tmp_path / "city.mbtiles"
    _mbtiles(path)
    app.config["MBTILES_PATH"] = str(path)
    with app.test_request_context():
        config = map_config()
    assert config["tile_url"] == "/tiles/{z}/{x}/{y}.png"
    assert config["attribution"] == "Local survey"


def test_signing_in_returns_to_the_event_the_link_named(client):
    response = client.get("/command?event=7")
    assert response.status_code == 302
    assert "next=/command?event%3D7" in response.headers["Location"]
