"""One error shape for HTTP and sockets: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from flask import Flask, jsonify
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """A client error a route or socket handler reports as-is."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "bad_request",
        field: str | None = None,
        status: int | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.headers = headers or {}  # e.g. Retry-After on a 429
        if status is not None:
            self.status = status

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class NotFound(ApiError):
    status = 404

    def __init__(self, message: str = "not found", field: str | None = None):
        super().__init__(message, code="not_found", field=field)


class Forbidden(ApiError):
    status = 403

    def __init__(self, message: str = "not allowed"):
        super().__init__(message, code="forbidden")


class Unauthorized(ApiError):
    status = 401

    def __init__(self, message: str = "authentication required"):
        super().__init__(message, code="unauthorized")


def invalid(message: str, field: str) -> ApiError:
    """The 422 naming the field a body got wrong (raise it)."""
    return ApiError(message, code="invalid", field=field, status=422)


def choice(enum_cls, value, field: str):
    """value as a member of enum_cls, or a 422 naming the field and the allowed values."""
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise ApiError(
            f"{field} must be one of {allowed}", code="invalid", field=field, status=422
        ) from None


def from_validation_error(exc: ValidationError, prefix: str = "") -> ApiError:
    """The first pydantic error, as an ApiError naming the field (dotted path)."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in (prefix, *first["loc"]) if p != "")
    return ApiError(
        f"{field or 'body'}: {first['msg']}", code="invalid", field=field or None, status=422
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.to_dict()), exc.status, exc.headers

    @app.errorhandler(ValidationError)
    def _validation_error(exc: ValidationError):
        err = from_validation_error(exc)
        return jsonify(err.to_dict()), err.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        body = {"error": {"code": code, "message": exc.description, "field": None}}
        return jsonify(body), exc.code
