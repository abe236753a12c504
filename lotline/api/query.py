"""Query strings hold only what the description names: a typo is refused, not ignored."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from starlette.routing import compile_path

from lotline.errors import InvalidInput

QueryIndex = list[tuple[re.Pattern[str], str, frozenset[str]]]


def _index(app: Any) -> QueryIndex:
    """(path regex, method, query parameter names) of every documented operation."""
    found: QueryIndex | None = getattr(app.state, "query_index", None)
    if found is None:
        found = [
            (
                compile_path(path)[0],
                method.upper(),
                frozenset(p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"),
            )
            for path, operations in app.openapi()["paths"].items()
            for method, operation in operations.items()
        ]
        app.state.query_index = found
    return found


def refuse_unknown_query(request: Request) -> None:
    """Answer 422 for a query parameter the operation does not take."""
    given = set(request.query_params)
    if not given:
        return
    for pattern, method, names in _index(request.app):
        if method == request.method and pattern.match(request.url.path):
            unknown = sorted(given - names)
            if unknown:
                takes = ", ".join(sorted(names)) or "none"
                raise InvalidInput(
                    f"Unknown query parameter(s) {', '.join(unknown)}; this takes {takes}.",
                    details={"unknown": unknown},
                )
            return
