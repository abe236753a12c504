"""lotline: lot and serial number traceability for inventory and manufacturing."""

from lotline.app import Lotline, open

__all__ = ["Lotline", "open"]
__version__ = "0.1.0"
