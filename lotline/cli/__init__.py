"""The lotline command line: parse, call one facade function, render its result.

Each command group lives in its own module and registers itself on ``app``.
"""

from __future__ import annotations

import sys

import lotline.cli.adjustments  # registers its commands
import lotline.cli.lots
import lotline.cli.trace
import lotline.cli.transfers  # noqa: F401  (registers its commands)
from lotline.cli import (
    catalog,  # noqa: F401  (registers its commands)
    manufacturing,  # noqa: F401  (registers its commands)
    serve,  # noqa: F401  (registers its commands)
    standards,  # noqa: F401  (registers its commands)
    users,  # noqa: F401  (registers its commands)
)
from lotline.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
