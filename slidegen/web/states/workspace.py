"""Which workspace the app talks to, for the UI: the demo workspace banner's state.

`demo` is read from the process (`slidegen.demo_workspace.current_demo`) when the banner mounts;
dismissing the banner is remembered in the browser's local storage, so it stays dismissed across
reloads of that browser and shows again in a new one. Holds no user data.
"""

from __future__ import annotations

import reflex as rx

from slidegen.demo_workspace import current_demo

__all__ = ["WorkspaceState"]


class WorkspaceState(rx.State):
    demo: bool = False
    demo_dismissed: str = rx.LocalStorage("", name="slidegen-demo-banner-dismissed")

    @rx.event
    def check(self) -> None:
        self.demo = current_demo() is not None

    @rx.event
    def dismiss_demo(self) -> None:
        self.demo_dismissed = "1"

    @rx.var
    def show_demo_banner(self) -> bool:
        return self.demo and self.demo_dismissed != "1"
