"""lotline: lot and serial number traceability for inventory and manufacturing.

``lotline.open`` and ``lotline.Lotline`` are loaded on first use, so that
importing a part of lotline (the command line's help) does not load them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lotline.app import Lotline, open

__all__ = ["Lotline", "open"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lotline import app

        return getattr(app, name)
    raise AttributeError(f"module 'lotline' has no attribute {name!r}")
