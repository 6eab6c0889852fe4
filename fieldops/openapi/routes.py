"""The document, served to anyone: it describes the API, it grants nothing."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from fieldops.openapi.document import build

bp = Blueprint("openapi", __name__)


@bp.get("/api/v1/openapi.json")
def openapi_document():
    """This document: the HTTP API as OpenAPI 3.1."""
    document = current_app.extensions.get("fieldops.openapi")
    if document is None:
        document = current_app.extensions["fieldops.openapi"] = build(current_app)
    return jsonify(document)
