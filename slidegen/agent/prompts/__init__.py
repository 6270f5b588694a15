"""The agent's prompts, kept as Markdown files beside this module so they can be read and
reviewed as text. `render(name, **values)` fills `$placeholders` (string.Template: CSS braces in
the prompts need no escaping); a missing value is an error, never a silent blank."""

from __future__ import annotations

import functools
from importlib import resources
from string import Template

__all__ = ["render"]


@functools.cache
def _template(name: str) -> Template:
    text = resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    return Template(text)


def render(name: str, **values: object) -> str:
    return _template(name).substitute({k: str(v) for k, v in values.items()})
