# ruff: noqa: E501  (JavaScript source text: its lines are kept as written)
"""The HTML source editor: CodeMirror 6 from the npm registry, bundled into the exported frontend.

`code_editor(...)` renders `@uiw/react-codemirror` (CodeMirror 6 with its basic setup: line
numbers, bracket matching and closing, search with Ctrl/Cmd+F, folding, history) with the HTML
language of `@codemirror/lang-html`. The packages are pinned here and in `reflex.lock/`; Reflex
installs them from the npm registry at export time and the bundler puts them into the static
frontend, so nothing is fetched from a CDN at run time (Monaco's React wrapper would).

A thin wrapper of our own (`SgCodeEditor`, module-level JS below) keeps the text in the browser:
the editor is uncontrolled from the server's point of view (typing never waits for a round trip;
`on_change` reaches the server debounced, for the preview), and a hidden `<textarea name=...>`
carries the current text into the surrounding form, so Save submits exactly what is on screen.
Remount it (a new `key`) to load another text.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var
from reflex_base.vars.function import FunctionStringVar

__all__ = ["CODEMIRROR_PACKAGES", "CodeEditor", "code_editor", "keep_escape_in_panels"]

# Exact versions: the lockfile pins what they resolve to; bump them together.
CODEMIRROR_PACKAGES = {
    "@uiw/react-codemirror": "4.25.12",
    "@codemirror/lang-html": "6.4.12",
}


def _text_arg(value: Var) -> tuple[Var[str]]:
    return (value.to(str),)


_WRAPPER_JS = """
const SgCodeEditor = ({ defaultValue, name, id, onChange, ariaLabel }) => {
  const [text, setText] = useState(defaultValue ?? "");
  const extensions = useMemo(() => [sgHtmlLanguage()], []);
  const changed = useCallback((value) => { setText(value); if (onChange) onChange(value); }, [onChange]);
  return (
    <div className="sg-code" id={id}>
      <SgCodeMirror
        value={text}
        height="100%"
        extensions={extensions}
        onChange={changed}
        basicSetup={{ tabSize: 2 }}
        indentWithTab={false}
        aria-label={ariaLabel}
      />
      <textarea name={name} value={text} readOnly hidden />
    </div>
  );
};
"""


class CodeEditor(rx.Component):
    """`SgCodeEditor`: CodeMirror 6 for HTML with a hidden form field (see the module docstring)."""

    tag = "SgCodeEditor"
    lib_dependencies: list[str] = [
        f"{name}@{version}" for name, version in CODEMIRROR_PACKAGES.items()
    ]

    default_value: Var[str] = field(doc="The text shown when the editor mounts.")
    name: Var[str] = field(doc="Name of the hidden form field that carries the text.")
    aria_label: Var[str] = field(doc="Accessible name of the editing area.")
    on_change: rx.EventHandler[_text_arg] = field(doc="The whole text after each change.")

    def add_imports(self) -> dict[str, Any]:
        codemirror, html = (f"{n}@{v}" for n, v in CODEMIRROR_PACKAGES.items())
        return {
            "react": ["useState", "useMemo", "useCallback"],
            codemirror: [rx.ImportVar(tag="SgCodeMirror", alias=None, is_default=True)],
            html: [rx.ImportVar(tag="html", alias="sgHtmlLanguage")],
        }

    def add_custom_code(self) -> list[str]:
        return [_WRAPPER_JS]


def code_editor(**props: Any) -> rx.Component:
    return CodeEditor.create(**props)


def keep_escape_in_panels() -> Var:
    """For a dialog's `on_escape_key_down`: Escape in the editor's search panel closes the panel,
    not the dialog (which listens first, on the document, and stays open when told so)."""
    return FunctionStringVar.create(
        "((e) => { const t = e.target; "
        "if (t && t.closest && t.closest('.sg-code .cm-panels')) e.preventDefault(); })"
    )
