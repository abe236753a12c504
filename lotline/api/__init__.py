"""The REST API: every capability of the facade over HTTP (``lotline serve``)."""

from lotline.api.server import create_app

__all__ = ["create_app"]
