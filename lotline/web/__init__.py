"""The web application: the seed screens, server-rendered (Jinja2 + htmx), on the API's process."""

from lotline.web.site import install

__all__ = ["install"]
