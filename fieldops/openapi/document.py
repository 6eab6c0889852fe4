"""The OpenAPI 3.1 document of the HTTP API, built from a running app's URL map."""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Flask
from pydantic import BaseModel, TypeAdapter

from fieldops.openapi.annotations import facts
from fieldops.openapi.inference import body_models

PREFIXES = ("/api/v1/", "/track/")
ALSO = {"/healthz"}
REF = "#/components/schemas/{model}"
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string", "description": "stable, for programs"},
                "message": {"type": "string", "description": "for people"},
                "field": {
                    "type": ["string", "null"],
                    "description": "the body's field at fault, dotted (`fixes.0.lat`)",
                },
            },
        }
    },
}
SECURITY_SCHEMES = {
    "device": {
        "type": "http",
        "scheme": "bearer",
        "description": "An officer's or area lead's device token (from joining), "
        "or a staff member's token.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "A staff member's session from `POST /api/v1/auth/login`. Writes send "
        "its CSRF token (from the login answer or `GET /api/v1/auth/me`) as `X-CSRF-Token`.",
    },
}


def documented(app: Flask, rule) -> bool:
    if rule.endpoint == "static" or rule.rule.endswith("/"):  # /track/osmand/: an alias
        return False
    view = app.view_functions[rule.endpoint]
    return rule.rule.startswith(PREFIXES) or rule.rule in ALSO or "returns" in facts(view)


def methods(rule) -> list[str]:
    return sorted(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})


def openapi_path(rule) -> str:
    return _VARIABLE.sub(lambda m: "{" + m["name"] + "}", rule.rule)


class _Schemas:
    """components/schemas, filled as models are met; two models of one name are an error."""

    def __init__(self):
        self.components: dict[str, Any] = {"Error": ERROR}
        self._owners: dict[str, Any] = {}

    def schema_of(self, kind: Any) -> dict:
        if isinstance(kind, dict):
            return kind
        schema = TypeAdapter(kind).json_schema(ref_template=REF)
        for name, definition in schema.pop("$defs", {}).items():
            self._add(name, definition, (kind, name))
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            self._add(kind.__name__, schema, kind)
            return {"$ref": REF.format(model=kind.__name__)}
        return schema

    def _add(self, name: str, schema: dict, owner) -> None:
        known = self.components.get(name)
        if known is not None and known != schema:
            raise ValueError(f"two request schemas are named {name}: rename one ({owner})")
        self.components[name] = schema


def _path_parameters(rule) -> list[dict]:
    parameters = []
    for match in _VARIABLE.finditer(rule.rule):
        converter = match["converter"] or "default"
        schema = (
            {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
            if converter == "int"
            else {"type": "string"}
        )
        parameters.append({"name": match["name"], "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(view) -> list[dict]:
    parameters = []
    for name, spec in facts(view).get("query", {}).items():
        description, schema = spec if isinstance(spec, tuple) else (spec, {"type": "string"})
        parameters.append(
            {"name": name, "in": "query", "required": False, "description": description}
            | {"schema": schema}
        )
    return parameters


def _request_body(view, schemas: _Schemas) -> dict | None:
    declared = facts(view).get("body")
    if declared:
        content = {b["content_type"]: {"schema": schemas.schema_of(b["schema"])} for b in declared}
        return {"required": True, "content": content}
    inferred = body_models(view)
    if not inferred:
        return None
    parts = [schemas.schema_of(model) for model, _required in inferred]
    schema = parts[0] if len(parts) == 1 else {"anyOf": parts}
    required = all(r for _m, r in inferred)
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _responses(view) -> dict:
    declared = facts(view).get("returns")
    if declared:
        content = {ct: {"schema": declared["schema"]} for ct in declared["content_types"]}
        success = {
            declared["status"]: {"description": "done"} | ({"content": content} if content else {})
        }
    else:
        success = {
            "2XX": {
                "description": "done",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    error = {"content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}
    answers = success | {
        "4XX": {"description": "refused: the error names why, and the field at fault"} | error
    }
    why = facts(view).get("unavailable")
    if why:
        retry = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        answers["503"] = {"description": why, "headers": retry} | error
    return answers


def _docstring(view) -> tuple[str, str]:
    text = inspect.getdoc(inspect.unwrap(view)) or ""
    summary, _, rest = text.partition("\n")
    return summary.strip(), rest.strip()


def _operation(app: Flask, rule, method: str, schemas: _Schemas) -> dict:
    view = app.view_functions[rule.endpoint]
    summary, description = _docstring(view)
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method}" if len(methods(rule)) > 1 else rule.endpoint,
        "tags": [rule.endpoint.partition(".")[0]],
        "summary": summary,
        "parameters": _path_parameters(rule) + _query_parameters(view),
        "responses": _responses(view),
    }
    if description:
        operation["description"] = description
    roles = getattr(view, "roles", None)
    if roles is not None:
        operation["security"] = [{"device": []}, {"session": []}]
        operation["x-roles"] = [role.value for role in roles]
    else:
        operation["security"] = [{}]
    if method in ("post", "put", "patch"):
        request_body = _request_body(view, schemas)
        if request_body:
            operation["requestBody"] = request_body
    return operation


def build(app: Flask) -> dict:
    schemas = _Schemas()
    paths: dict[str, dict] = {}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        if not documented(app, rule):
            continue
        item = paths.setdefault(openapi_path(rule), {})
        for method in methods(rule):
            item[method] = _operation(app, rule, method, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fieldops",
            "version": "1",
            "description": "Event-day field operations: officers' phones, the command post and "
            "the organizers' report. Errors are `{error: {code, message, field}}`. The live "
            "stream is Socket.IO; its envelopes are in docs/envelopes.schema.json.",
        },
        "paths": paths,
        "components": {"schemas": schemas.components, "securitySchemes": SECURITY_SCHEMES},
    }
