"""Rendering: the templates, a page or one block of it, redirects, and refusals placed on a form.

A refusal from the services is shown next to the field it is about (the product,
the location, the lot, the quantity, the pasted list) or, when it is about none of
the form's fields, at the top of the form. Nothing is saved when one is shown:
every action is one facade call, one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2_fragments.fastapi import Jinja2Blocks

from lotline.api.problems import status_of
from lotline.errors import InvalidList, LotlineError, describe_quantity
from lotline.web.sessions import LoginRequired, RoleRequired, Web, logged_in_user, pop_flash

HERE = Path(__file__).parent
TRACKING_LABELS = {
    "none": "By Quantity",
    "lot": "By Lots",
    "serial": "By Unique Serial Number",
}
STATE_LABELS = {
    "draft": "Draft",
    "confirmed": "Confirmed",
    "ready": "Ready",
    "done": "Done",
    "cancelled": "Cancelled",
}

# Which field of a form an error code is about, when the form has that field.
FIELD_OF_CODE = {
    "unknown_product": "product",
    "duplicate_product": "code",
    "unknown_location": "location",
    "invalid_lot_name": "lot",
    "duplicate_lot": "lot",
    "unknown_lot": "lot",
    "lot_required": "lot",
    "serial_already_in_stock": "lot",
    "invalid_quantity": "quantity",
    "insufficient_stock": "quantity",
    "invalid_list": "lots",
    "invalid_barcode": "scan",
    "invalid_tracking": "tracking",
    "invalid_text": "name",
}


def _quantity(value: Decimal | int | None) -> str:
    return "" if value is None else describe_quantity(value)


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


templates = Jinja2Blocks(directory=HERE / "templates")
templates.env.filters["qty"] = _quantity
templates.env.filters["when"] = _when
templates.env.globals["TRACKING_LABELS"] = TRACKING_LABELS
templates.env.globals["STATE_LABELS"] = STATE_LABELS
# The form macros, for blocks rendered alone (without their template's imports).
templates.env.globals["f"] = templates.env.get_template("_forms.html").module


@dataclass(frozen=True)
class Refusal:
    """A service's refusal placed on a form: at ``field``, or at the top when None."""

    message: str
    field: str | None = None
    problems: tuple[str, ...] = ()


def refusal(error: LotlineError, fields: Collection[str] = ()) -> Refusal:
    """Where on a form with ``fields`` the refusal goes, in the operator's words."""
    named = error.details.get("field")
    candidates = [named, str(named).split()[-1]] if named else []
    candidates.append(FIELD_OF_CODE.get(error.code))
    place = next((c for c in candidates if c in fields), None)
    if isinstance(error, InvalidList):
        header = error.message.splitlines()[0]
        return Refusal(header, place, tuple(error.problems))
    return Refusal(error.message or str(error), place)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    /,
    *,
    user: Any = None,
    block: str | None = None,
    status: int = 200,
) -> Response:
    """The template ``name`` (or one ``block`` of it) for ``user``."""
    full = {
        "request": request,
        "user": user,
        "may": user.may if user is not None else (lambda _role: False),
        "flash": pop_flash(request) if block is None else None,
        **context,
    }
    if block is None:
        return templates.TemplateResponse(request, name, full, status_code=status)
    return templates.TemplateResponse(request, name, full, block_name=block, status_code=status)


def page(web: Web, name: str, status: int = 200, /, **context: Any) -> Response:
    """A whole page for the logged-in user."""
    return render(web.request, name, context, user=web.user, status=status)


def block(web: Web, name: str, block_name: str, status: int = 200, /, **context: Any) -> Response:
    """One block of a template, for htmx to swap in."""
    return render(web.request, name, context, user=web.user, block=block_name, status=status)


def refused(web: Web, name: str, block_name: str, refusal: Refusal, /, **context: Any) -> Response:
    """The form block again, with the refusal on it (422: nothing was saved)."""
    return block(web, name, block_name, 422, refusal=refusal, **context)


def url(path: str, **query: str) -> str:
    """A path of the site with its query (names keep their slashes: /mo?name=WH/MO/00001)."""
    return f"{path}?{urlencode(query, safe='/')}" if query else path


def go(request: Request, url: str) -> Response:
    """Send the browser to ``url`` (an htmx request follows HX-Redirect)."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _alert(request: Request, message: str, status: int) -> Response:
    """An error the page was not built for: a whole page, or (htmx) the messages box."""
    if is_htmx(request):
        html = templates.get_template("_alert.html").render(message=message)
        return HTMLResponse(
            html, status, headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        )
    user = logged_in_user(request)
    return render(request, "error.html", {"message": message}, user=user, status=status)


class WebRoute(APIRoute):
    """A page or action of the web application: a user who is not logged in is sent to the
    login page; a refusal no form catches is shown as a page (or in the messages box)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return go(request, f"/login?next={quote(target, safe='')}")
            except RoleRequired as exc:
                return _alert(request, str(exc), 403)
            except LotlineError as exc:
                return _alert(request, exc.message or str(exc), status_of(exc))

        return guarded
