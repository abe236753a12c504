"""Errors as RFC 9457 problem details (application/problem+json).

A lotline error keeps its stable ``code`` and ``details``; the HTTP status
follows the kind of refusal. Nothing unexpected leaks: a 500 says only that
the server failed, never a traceback or SQL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from lotline.errors import (
    ConcurrentUpdate,
    Conflict,
    DatabaseError,
    InvalidInput,
    LotlineError,
    NotFound,
    SerialsRequired,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("lotline.api")

# The first class in this order that an error is an instance of gives its status.
STATUS_OF: tuple[tuple[type[LotlineError], int], ...] = (
    (NotFound, 404),
    (InvalidInput, 422),
    (SerialsRequired, 409),
    (ConcurrentUpdate, 409),
    (Conflict, 409),
    (DatabaseError, 503),
)

CODE_OF_STATUS = {
    400: "malformed_body",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    500: "internal_error",
    503: "database_unavailable",
}


class Problem(BaseModel):
    """An RFC 9457 problem with lotline's stable code and the things involved."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    details: dict[str, Any] = {}


def status_of(error: LotlineError) -> int:
    for cls, status in STATUS_OF:
        if isinstance(error, cls):
            return status
    return 422


def problem(
    status: int,
    code: str,
    detail: str,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = problem_body(status, code, detail, details)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(
    status: int, code: str, detail: str, details: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "type": f"urn:lotline:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "details": dict(details or {}),
    }


def error_body(error: LotlineError) -> tuple[int, dict[str, Any]]:
    """The status and problem body of a lotline error (also kept on failed jobs)."""
    status = status_of(error)
    return status, problem_body(status, error.code, error.message or str(error), error.details)


async def on_lotline_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LotlineError)
    status, body = error_body(exc)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _plain_errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in errors
    ]


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _plain_errors(exc.errors())
    if any(e["type"] == "json_invalid" for e in errors):
        return problem(400, "malformed_body", "The request body is not valid JSON.")
    if any(e["loc"] == ["body"] and e["type"] == "model_attributes_type" for e in errors):
        return problem(
            400,
            "malformed_body",
            "The request body must be a JSON object sent with Content-Type: application/json.",
        )
    where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem(422, "invalid_input", f"The request is not valid: {where}.", {"errors": errors})


def _allowed_methods(request: Request) -> list[str]:
    """Every method the API documents for the requested path."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    if status == 404 and detail == "Not Found":
        detail = f"There is no resource at {request.url.path}."
    code = CODE_OF_STATUS.get(status, "http_error")
    return problem(status, code, detail, headers=headers or None)


async def on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    return problem(
        500,
        "internal_error",
        "The server could not answer this request; the error was logged.",
    )


def install(app: FastAPI) -> None:
    """Answer every error as problem+json."""
    app.add_exception_handler(LotlineError, on_lotline_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected_error)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status in (400, 401, 403, 404, 405, 409, 422, 500, 503)
}
