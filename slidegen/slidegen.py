"""Reflex's entry module: assembles the app (pages, API routes, middleware, lifespan) only."""

import reflex as rx

from slidegen.web.pages import register_pages

app = rx.App()
register_pages(app)
