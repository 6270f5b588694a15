"""The app's pages and their registration (`register_pages`, called by `slidegen/slidegen.py`)."""

from __future__ import annotations

import reflex as rx

from slidegen.web.guard import OwnerGuard
from slidegen.web.pages.main import index
from slidegen.web.pages.present import present
from slidegen.web.states import PresentState, SessionState

__all__ = ["register_pages"]


def register_pages(app: rx.App) -> None:
    # First, so that no other middleware or handler ever sees another user's view.
    app.add_middleware(OwnerGuard(), index=0)
    app.add_page(index, route="/", title="slidegen", on_load=SessionState.on_load)
    app.add_page(
        present, route="/present/[deck]", title="Present · slidegen", on_load=PresentState.on_load
    )
