"""Pages of the app (the UI issue fills these in)."""

import reflex as rx


class HelloState(rx.State):
    count: int = 0

    @rx.event
    def bump(self) -> None:
        self.count += 1


def index() -> rx.Component:
    return rx.vstack(rx.heading("slidegen"), rx.button("bump", on_click=HelloState.bump),
                     rx.text(HelloState.count, id="count"))


def register_pages(app: rx.App) -> None:
    app.add_page(index, route="/", title="slidegen")
