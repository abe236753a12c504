"""``lotline serve``: the REST API with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from lotline.cli.common import DbOption, app, run, say, state


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the REST API at http://HOST:PORT/api/v1 (docs at /api/v1/docs)."""
    import uvicorn

    from lotline.api.server import RECOVERED_ENV
    from lotline.services.users import Jobs

    url = db or state.db
    interrupted = run(lambda a: Jobs(a.db, a.user).interrupt_running(), url)
    if interrupted:
        say(f"{interrupted} job(s) left running by a stopped server are marked interrupted.")
    if url:
        os.environ["LOTLINE_DB"] = url
    os.environ[RECOVERED_ENV] = "1"
    say(f"Serving the API at http://{host}:{port}/api/v1 (docs at /api/v1/docs); Ctrl+C stops.")
    uvicorn.run(
        "lotline.api.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
