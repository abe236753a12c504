"""The lotline command line: parse, call one facade function, render its result.

Each command group lives in its own module and registers itself on ``app``.
The modules import the library only inside their commands, so that ``--help``
loads neither SQLAlchemy nor the services.
"""

from __future__ import annotations

import sys

from lotline.cli import (  # noqa: F401  (each registers its commands)
    adjustments,
    catalog,
    lots,
    manufacturing,
    serve,
    standards,
    trace,
    transfers,
    users,
)
from lotline.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
