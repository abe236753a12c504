"""Settings: the Traceability section (Lots & Serial Numbers, Expiration Dates)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Response

from lotline.errors import LotlineError
from lotline.web.pages import go, page, refusal, refused
from lotline.web.routes import router
from lotline.web.sessions import Admin, Viewer, flash

routes = router()


@routes.get("/settings")
def settings_page(web: Viewer) -> Response:
    return page(web, "settings.html", settings=web.app.settings.get())


@routes.post("/settings")
def save_settings(
    web: Admin,
    lots_and_serials: Annotated[bool, Form()] = False,
    expiration_dates: Annotated[bool, Form()] = False,
) -> Response:
    try:
        web.app.settings.update(
            lots_and_serials=lots_and_serials, expiration_dates=expiration_dates
        )
    except LotlineError as exc:
        settings = web.app.settings.get()
        return refused(web, "settings.html", "form", refusal(exc), settings=settings)
    flash(web.request, "Settings saved.")
    return go(web.request, "/settings")
