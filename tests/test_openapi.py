"""The HTTP API's contract (issue 12): an OpenAPI 3.1 document built from the app, in step with
its routes, and a fuzzer (schemathesis) that runs it against a real server on every `make test`:
no 5xx, and no answer outside the document."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from fieldops.openapi.document import documented, methods, openapi_path
from fieldops.openapi.inference import reads_body

WRITES = ("post", "put", "patch")


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_of_the_api_is_in_the_document_and_nothing_else(app, document):
    routes = {
        (openapi_path(rule), method)
        for rule in app.url_map.iter_rules()
        if documented(app, rule)
        for method in methods(rule)
    }
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert described == routes
    api = {openapi_path(r) for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert api <= set(document["paths"])
    assert "/events/{event_id}/report.zip" in document["paths"]  # the downloads too


def test_every_write_that_reads_a_body_says_what_the_body_is(app, document):
    missing = []
    for rule in app.url_map.iter_rules():
        if not documented(app, rule):
            continue
        for method in set(methods(rule)) & set(WRITES):
            operation = document["paths"][openapi_path(rule)][method]
            if reads_body(app.view_functions[rule.endpoint]) and "requestBody" not in operation:
                missing.append(f"{method.upper()} {rule.rule}")
    assert not missing, "declare with fieldops.openapi.body / upload: " + ", ".join(missing)


def test_a_request_body_is_the_model_the_route_validates_with(document):
    incident = document["paths"]["/api/v1/events/{event_id}/incidents"]["post"]
    schema = incident["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/IncidentIn"}
    model = document["components"]["schemas"]["IncidentIn"]
    assert {"client_id", "type", "lat", "lon"} <= set(model["required"])
    fixes = document["paths"]["/api/v1/events/{event_id}/positions"]["post"]
    assert "anyOf" in fixes["requestBody"]["content"]["application/json"]["schema"]


def test_who_may_call_an_operation_is_in_the_document(document):
    create = document["paths"]["/api/v1/events"]["post"]
    assert create["x-roles"] == ["admin"]
    assert create["security"] == [{"device": []}, {"session": []}]
    assert document["paths"]["/api/v1/join"]["post"]["security"] == [{}]


def test_errors_have_one_shape(document):
    for item in document["paths"].values():
        for operation in item.values():
            error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}


def test_the_api_guide_links_the_document():
    from pathlib import Path

    guide = (Path(__file__).parents[1] / "docs" / "api.md").read_text()
    assert "/api/v1/openapi.json" in guide


# --- the fuzzer ------------------------------------------------------------------------------

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    )
)
FUZZ_SECONDS = int(os.environ.get("FIELDOPS_FUZZ_SECONDS", "10"))
FUZZ_SEED = os.environ.get("FIELDOPS_FUZZ_SEED", "12")


def _schemathesis(
    server, *headers: str, seconds: int, exclude=(), config: Path
) -> subprocess.CompletedProcess:
    args = [
        *(sys.executable, "-m", "schemathesis.cli", "run"),
        f"{server.url}/api/v1/openapi.json",
        *("--checks", CHECKS),
        *("--max-time", str(seconds)),
        *("--seed", FUZZ_SEED),
        *("--workers", "1"),
        *("--request-timeout", "20"),
        "--no-color",
    ]
    args[3:3] = ["--config-file", str(config)]
    for header in headers:
        args += ["-H", header]
    for path in exclude:
        args += ["--exclude-path", path]
    return subprocess.run(  # in its own folder: it keeps a cache in `.schemathesis/`
        args, capture_output=True, text=True, timeout=seconds * 4 + 120, cwd=config.parent
    )


def _world(server) -> dict:
    """An event with a post, an officer on shift, a report, a found and a lost item, a lost
    person and a message: ids the fuzzer can reach past the 404s."""
    from tests.support.lostpersons import report_body as lost_person_body
    from tests.support.scene import bearer, report_body
    from tests.test_lostfound_api import found_body, lost_body

    admin, command = server.staff("admin"), server.staff("command")
    event = server.create_event(admin)
    events = f"{server.url}/api/v1/events/{event['id']}"
    post = admin.post(
        f"{events}/posts",
        json={"name": "Mile 3 water", "kind": "water_station", "lat": 40.65, "lon": -74.01},
    )
    phone, joined = server.join_officer(event["enrollment_code"], "Fuzz Officer", "F-1")
    officer = bearer(joined["device_token"])

    def made(response) -> dict:
        assert response.status_code in (200, 201), response.text
        return response.json()

    made(
        phone.post(f"{events}/shift/check-in", json={"post_id": post.json()["id"]}, headers=officer)
    )
    ids = {
        "event_id": event["id"],
        "post_id": post.json()["id"],
        "officer_id": joined["officer"]["id"],
        "incident_id": made(phone.post(f"{events}/incidents", json=report_body(), headers=officer))[
            "id"
        ],
        "item_id": made(command.post(f"{events}/found-items", json=found_body()))["id"],
        "report_id": made(command.post(f"{events}/lost-reports", json=lost_body()))["id"],
        "person_id": made(command.post(f"{events}/lost-persons", json=lost_person_body()))["id"],
        "message_id": made(
            command.post(
                f"{events}/messages", json={"text": "Hold lane 2", "to": {"kind": "event"}}
            )
        )["id"],
        "user_id": 2,
    }
    return {"admin": admin, "officer_token": joined["device_token"], "ids": ids}


def _config(world: dict, folder: Path) -> Path:
    """The world's ids, offered to the fuzzer most of the time (it still tries its own)."""
    lines = []
    for name, value in world["ids"].items():
        lines += [f"[dictionaries.{name}]", f"values = [{value}]"]
    lines.append("[parameters]")
    for name in world["ids"]:
        lines.append(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.7 }}')
    path = folder / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory):
    from tests.support.live_server import LiveServer

    folder = tmp_path_factory.mktemp("fuzz")
    server = LiveServer(folder, FIELDOPS_THROTTLE_STORAGE="memory://")
    server.start()
    server.world = _world(server)
    server.fuzz_config = _config(server.world, folder)
    yield server
    server.stop()


@pytest.mark.live
@pytest.mark.parametrize("caller", ["admin", "officer", "anonymous"])
def test_the_fuzzer_finds_no_server_error_and_no_answer_outside_the_document(fuzzed_server, caller):
    world = fuzzed_server.world
    headers = {
        "admin": (
            "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in world["admin"].cookies),
            f"X-CSRF-Token: {world['admin'].csrf}",
        ),
        "officer": (f"Authorization: Bearer {world['officer_token']}",),
        "anonymous": (),
    }[caller]
    seconds = FUZZ_SECONDS if caller != "anonymous" else FUZZ_SECONDS // 2
    # Signing out would end the session the rest of the run is made with: anonymous only.
    exclude = ("/api/v1/auth/logout",) if headers else ()
    done = _schemathesis(
        fuzzed_server, *headers, seconds=seconds, exclude=exclude, config=fuzzed_server.fuzz_config
    )
    Path("/tmp/fuzz-" + caller + ".out").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, (done.stdout + done.stderr)[-12_000:]
    assert requests.get(f"{fuzzed_server.url}/healthz", timeout=10).ok
