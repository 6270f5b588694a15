"""Reflex's entry module: assembles the app (pages, API routes, middleware, lifespan) only."""

from slidegen.config import get_settings
from slidegen.demo_workspace import workspace_lifespan
from slidegen.server.asgi import make_transformer
from slidegen.server.events import SlidegenApp
from slidegen.server.lifespan import open_store_at_startup
from slidegen.server.logs import configure_logging
from slidegen.server.mcp_mount import mcp_lifespan
from slidegen.web.pages import register_pages

configure_logging(get_settings())

app = SlidegenApp(api_transformer=make_transformer(lambda path: app.router(path)))
register_pages(app)
app.register_lifespan_task(open_store_at_startup)
# Decides the workspace (configured, or the demo in development) before the first request.
app.register_lifespan_task(workspace_lifespan)
# The MCP endpoint's transport (`/mcp`) runs while the app does.
app.register_lifespan_task(mcp_lifespan)
