"""Log in and log out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from lotline.api.context import server_of
from lotline.web.pages import Refusal, go, render
from lotline.web.routes import router
from lotline.web.sessions import Viewer, log_in, log_out, logged_in_user

routes = router()
HOME = "/products"


def _next_page(target: str) -> str:
    """Only a path of this site, never another site."""
    return target if target.startswith("/") and not target.startswith("//") else HOME


@routes.get("/")
def home(web: Viewer) -> Response:
    return go(web.request, HOME)


@routes.get("/login")
def login_page(request: Request, next: str = HOME) -> Response:
    if logged_in_user(request) is not None:
        return go(request, _next_page(next))
    request.session["seen"] = True  # the session cookie makes the login post CSRF-checked
    return render(request, "login.html", {"next": _next_page(next)})


@routes.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    users = server_of(request).users
    user = users.check_password(name.strip(), password)
    if user is None:
        refusal = Refusal("The user name or the password is wrong.")
        context = {"refusal": refusal, "name": name, "next": _next_page(next)}
        return render(request, "login.html", context, block="form", status=422)
    log_in(request, user)
    return go(request, _next_page(next))


@routes.post("/logout")
def logout(request: Request) -> Response:
    log_out(request)
    return go(request, "/login")
