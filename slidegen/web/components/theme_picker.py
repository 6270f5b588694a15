"""The theme picker: a button in the top bar and its dialog. Each theme is a card drawn in its
own colours and fonts; a click uses it for the open deck (one undoable version, every slide
repainted at once). Below, one's own themes can be made from any theme (colours, fonts, a logo)
and deleted."""

from __future__ import annotations

import reflex as rx

from slidegen.deck.themes import MAX_LOGO_BYTES, SAFE_FONTS
from slidegen.service.themes import NO_THEME
from slidegen.web.components.file_sender import FileSender
from slidegen.web.states.themes import LOGO_TYPES, ThemeCard, ThemeState

__all__ = ["LOGO_INPUT_ID", "LOGO_ZONE_ID", "theme_button", "theme_dialog"]

LOGO_INPUT_ID = "theme-logo-file"
LOGO_ZONE_ID = "theme-logo-drop"
_COLOR_FIELDS = (
    ("bg", "Background"),
    ("surface", "Surface"),
    ("text", "Text"),
    ("muted", "Muted text"),
    ("accent", "Accent"),
    ("accent_2", "Second accent"),
)


def theme_button() -> rx.Component:
    return rx.button(
        rx.icon("palette", size=15),
        "Theme",
        variant="soft",
        on_click=ThemeState.open_dialog,
        id="theme-menu",
    )


def _swatch(card: rx.Var[ThemeCard]) -> rx.Component:
    """A small slide in the theme's own look."""
    return rx.box(
        rx.text(
            "Aa",
            font_family=card["heading_font"],
            color=card["text"],
            font_weight="700",
            font_size="20px",
            line_height="1",
        ),
        rx.box(
            rx.box(background=card["accent"], height="6px", width="34%", border_radius="3px"),
            rx.box(background=card["accent_2"], height="6px", width="22%", border_radius="3px"),
            rx.box(background=card["accent_3"], height="6px", width="14%", border_radius="3px"),
            display="flex",
            gap="4px",
        ),
        rx.box(
            rx.text("Body text", font_family=card["font"], color=card["muted"], font_size="10px"),
            background=card["surface"],
            border_radius="4px",
            padding="3px 6px",
        ),
        background=card["bg"],
        aspect_ratio="16 / 9",
        width="100%",
        padding="10px 12px",
        display="flex",
        flex_direction="column",
        justify_content="space-between",
        border_radius="6px",
        border="1px solid var(--gray-a5)",
        box_sizing="border-box",
    )


def _card(card: rx.Var[ThemeCard]) -> rx.Component:
    chosen = card["id"] == ThemeState.current
    return rx.box(
        rx.el.button(
            _swatch(card),
            rx.hstack(
                rx.cond(chosen, rx.icon("check", size=14, color="var(--accent-11)")),
                rx.text(card["name"], size="2", weight="medium", truncate=True),
                align="center",
                spacing="1",
                padding_top="6px",
                min_width="0",
            ),
            on_click=ThemeState.pick(card["id"]),
            disabled=ThemeState.busy,
            id="theme-" + card["id"],
            custom_attrs={"data-theme-id": card["id"], "aria-pressed": chosen},
            class_name="sg-theme-card",
            style={
                "all": "unset",
                "display": "block",
                "width": "100%",
                "cursor": "pointer",
                "border-radius": "8px",
                "padding": "6px",
                "box-sizing": "border-box",
                "outline": rx.cond(chosen, "2px solid var(--accent-9)", "1px solid transparent"),
                "&:hover": {"background": "var(--gray-a3)"},
                "&:focus-visible": {"outline": "2px solid var(--accent-8)"},
            },
        ),
        rx.hstack(
            rx.link(
                "Customise",
                size="1",
                href="#",
                on_click=ThemeState.start_from(card["id"]),
                id="theme-edit-" + card["id"],
            ),
            rx.cond(
                card["mine"],
                rx.link(
                    "Delete",
                    size="1",
                    href="#",
                    color_scheme="red",
                    on_click=ThemeState.delete(card["id"]),
                    id="theme-delete-" + card["id"],
                ),
            ),
            spacing="3",
            padding_x="6px",
        ),
    )


def _grid() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.foreach(ThemeState.themes, _card),
            columns=rx.breakpoints(initial="2", sm="3", md="4"),
            spacing="3",
            width="100%",
            id="theme-grid",
        ),
        rx.hstack(
            rx.button(
                rx.icon("circle-slash", size=14),
                "No theme (the deck's own styles)",
                variant=rx.cond(ThemeState.current == NO_THEME, "solid", "outline"),
                size="1",
                on_click=ThemeState.pick(NO_THEME),
                disabled=ThemeState.busy,
                id="theme-none",
            ),
            rx.spacer(),
            rx.cond(ThemeState.busy, rx.spinner(size="1")),
            width="100%",
            align="center",
        ),
        width="100%",
        spacing="3",
    )


def _color_field(name: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="color",
            name=name,
            default_value=ThemeState.form[name],
            id=f"theme-color-{name}",
            style={
                "width": "36px",
                "height": "28px",
                "padding": "0",
                "border": "none",
                "background": "none",
                "cursor": "pointer",
            },
        ),
        rx.text(label, size="1"),
        style={"display": "flex", "align-items": "center", "gap": "6px"},
    )


def _font_select(name: str, label: str) -> rx.Component:
    return rx.el.label(
        rx.text(label, size="1", color_scheme="gray"),
        rx.el.select(
            *[rx.el.option(font, value=font) for font in SAFE_FONTS],
            name=name,
            default_value=ThemeState.form[name],
            id=f"theme-{name.replace('_', '-')}",
            style={
                "padding": "4px 6px",
                "border-radius": "6px",
                "border": "1px solid var(--gray-7)",
                "background": "var(--color-surface)",
            },
        ),
        style={"display": "flex", "flex-direction": "column", "gap": "2px"},
    )


def _logo_zone() -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.el.input(
                type="file",
                accept=",".join(f".{e}" for e in LOGO_TYPES),
                id=LOGO_INPUT_ID,
                display="none",
                aria_label="Logo image",
            ),
            rx.cond(
                ThemeState.logo_preview != "",
                rx.image(src=ThemeState.logo_preview, max_height="40px", max_width="140px"),
                rx.hstack(rx.icon("image-up", size=16), rx.text("Logo (optional)", size="1")),
            ),
            FileSender.create(
                input_id=LOGO_INPUT_ID,
                zone_id=LOGO_ZONE_ID,
                max_bytes=MAX_LOGO_BYTES,
                extensions=",".join(LOGO_TYPES),
                on_chunk=ThemeState.receive_logo,
                on_reject=ThemeState.logo_rejected,
            ),
            id=LOGO_ZONE_ID,
            role="button",
            tab_index=0,
            border="1px dashed var(--gray-8)",
            border_radius="6px",
            padding="8px 12px",
            cursor="pointer",
            _hover={"background": "var(--gray-a2)"},
        ),
        rx.text(
            f"PNG, JPEG, SVG or WebP up to {MAX_LOGO_BYTES // 1000} KB; shown in each slide's "
            "corner.",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            ThemeState.logo_name != "",
            rx.link("Remove", size="1", href="#", on_click=ThemeState.clear_logo),
        ),
        align="center",
        spacing="3",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.input(
                name="name",
                default_value=ThemeState.form["name"],
                placeholder="Theme name",
                max_length=60,
                id="theme-name",
                width="100%",
            ),
            rx.flex(
                *[_color_field(name, label) for name, label in _COLOR_FIELDS],
                wrap="wrap",
                gap="14px",
            ),
            rx.flex(
                _font_select("font", "Body font"),
                _font_select("heading_font", "Heading font"),
                rx.el.label(
                    rx.text(
                        "Or a font installed on viewers' machines", size="1", color_scheme="gray"
                    ),
                    rx.input(
                        name="custom_font",
                        placeholder="e.g. Brand Sans",
                        max_length=48,
                        size="1",
                        id="theme-custom-font",
                    ),
                    style={"display": "flex", "flex-direction": "column", "gap": "2px"},
                ),
                wrap="wrap",
                gap="14px",
            ),
            rx.hstack(
                rx.spacer(),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ThemeState.cancel_edit,
                ),
                rx.button("Save and use", type="submit", loading=ThemeState.busy, id="theme-save"),
                width="100%",
            ),
            width="100%",
            spacing="3",
        ),
        key=ThemeState.form_key.to_string(),
        on_submit=ThemeState.save,
        reset_on_submit=False,
        width="100%",
        id="theme-form",
    )


def theme_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Theme"),
            rx.dialog.description(
                "The look of every slide: colours, fonts and layouts. Switching repaints the "
                "whole deck at once and can be undone.",
                size="2",
            ),
            rx.vstack(
                _grid(),
                rx.cond(
                    ThemeState.error != "",
                    rx.callout(
                        ThemeState.error,
                        icon="circle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        id="theme-error",
                    ),
                ),
                rx.cond(
                    ThemeState.editing,
                    # The logo's file input stays outside the form: it is sent by FileSender.
                    rx.vstack(
                        rx.heading("Your own theme", size="3"),
                        _logo_zone(),
                        _form(),
                        width="100%",
                        spacing="3",
                        id="theme-editor",
                    ),
                ),
                rx.hstack(
                    rx.spacer(),
                    rx.dialog.close(rx.button("Done", variant="soft", id="theme-done")),
                    width="100%",
                ),
                width="100%",
                spacing="4",
                padding_top="12px",
            ),
            max_width="760px",
            width="94vw",
            max_height="90vh",
            overflow_y="auto",
            id="theme-dialog",
        ),
        open=ThemeState.dialog_open,
        on_open_change=ThemeState.set_dialog_open,
    )
