"""manufacturing."""

from __future__ import annotations

from lotline.web.routes import router

routes = router()
