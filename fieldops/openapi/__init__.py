"""The HTTP API described as an OpenAPI 3.1 document (`GET /api/v1/openapi.json`).

Built from the app itself: the URL map gives the paths and methods, `require()` the roles, a
view's docstring its summary, and the pydantic model each view hands to `body_as` its request
body. What the code cannot say (a body read another way, query parameters, a file answered
instead of JSON) a route says with the decorators here."""

from fieldops.openapi.annotations import body, query, returns, unavailable, upload

__all__ = ["body", "query", "returns", "unavailable", "upload"]
