# ruff: noqa: E501  (JavaScript source text: its lines are kept as written)
"""Sending a chosen or dropped file to the server over the app's websocket, in chunks.

Reflex's own upload endpoint runs its event under the request's bare client token, while this
app binds each tab's state to the user the websocket was opened for (`slidegen.server.tokens`):
an upload event would reach an empty state of nobody. So the file goes the way every other
event goes: read in the browser, base64-encoded, and sent in parts small enough for the
websocket's 1 MB message limit (`on_chunk(name, index, total, data)`, in order). Files of the
wrong type or over `max_bytes` are refused in the browser before anything is sent
(`on_reject(name, reason)`, reason "type", "size" or "many").

`FileSender(input_id=..., zone_id=...)` is a hook-only component: it listens on the document
for a change of the file input `input_id` and for drops on (or clicks in) the element
`zone_id`, so the dialog's markup stays plain Reflex elements.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

from slidegen.web.components.behaviours import HookFragment

__all__ = ["CHUNK_BYTES", "FileSender"]

# Raw bytes per part: base64 makes 683 KB of it, under the websocket's 1 MB per message.
CHUNK_BYTES = 512 * 1024


def _chunk_args(
    name: Var, index: Var, total: Var, data: Var
) -> tuple[Var[str], Var[int], Var[int], Var[str]]:
    return (name.to(str), index.to(int), total.to(int), data.to(str))


def _reject_args(name: Var, reason: Var) -> tuple[Var[str], Var[str]]:
    return (name.to(str), reason.to(str))


class FileSender(HookFragment):
    input_id: str = field(default="", is_javascript_property=False)
    zone_id: str = field(default="", is_javascript_property=False)
    max_bytes: int = field(default=5_000_000, is_javascript_property=False)
    # File name endings accepted, comma separated (letters and digits only).
    extensions: str = field(default="html,htm", is_javascript_property=False)
    on_chunk: rx.EventHandler[_chunk_args] = field(doc="(name, index, total, base64 data)")
    on_reject: rx.EventHandler[_reject_args] = field(doc="(name, reason)")

    def add_hooks(self) -> list[str | Var[Any]]:
        input_id = "".join(c for c in self.input_id if c.isalnum() or c in "-_")
        zone_id = "".join(c for c in self.zone_id if c.isalnum() or c in "-_")
        endings = (
            "|".join(
                e
                for e in (
                    "".join(c for c in part if c.isalnum()) for part in self.extensions.split(",")
                )
                if e
            )
            or "html"
        )
        return [
            Var(f"""
useEffect(() => {{
  const chunk = {self._trigger("on_chunk")};
  const reject = {self._trigger("on_reject")};
  const MAX = {int(self.max_bytes)}, PART = {CHUNK_BYTES};
  const send = async (file) => {{
    if (!file) return;
    if (!/\\.({endings})$/i.test(file.name)) {{ reject(file.name, 'type'); return; }}
    if (file.size > MAX) {{ reject(file.name, 'size'); return; }}
    const bytes = new Uint8Array(await file.arrayBuffer());
    const total = Math.max(1, Math.ceil(bytes.length / PART));
    for (let i = 0; i < total; i++) {{
      const part = bytes.subarray(i * PART, (i + 1) * PART);
      let text = '';
      for (let j = 0; j < part.length; j += 0x8000) text += String.fromCharCode.apply(null, part.subarray(j, j + 0x8000));
      chunk(file.name, i, total, btoa(text));
    }}
  }};
  const zone = (e) => e.target && e.target.closest ? e.target.closest('#{zone_id}') : null;
  const onChange = (e) => {{
    if (!e.target || e.target.id !== '{input_id}') return;
    const file = e.target.files && e.target.files[0];
    e.target.value = '';
    send(file);
  }};
  const onOver = (e) => {{ const z = zone(e); if (z) {{ e.preventDefault(); z.dataset.over = 'true'; }} }};
  const onLeave = (e) => {{ const z = zone(e); if (z) delete z.dataset.over; }};
  const onDrop = (e) => {{
    const z = zone(e); if (!z) return;
    e.preventDefault(); delete z.dataset.over;
    const files = e.dataTransfer ? e.dataTransfer.files : null;
    if (files && files.length > 1) {{ reject('', 'many'); return; }}
    send(files && files[0]);
  }};
  const onClick = (e) => {{
    if (!zone(e) || (e.target && e.target.id === '{input_id}')) return;
    const input = document.getElementById('{input_id}'); if (input) input.click();
  }};
  const onKey = (e) => {{
    if ((e.key === 'Enter' || e.key === ' ') && e.target && e.target.id === '{zone_id}') {{ e.preventDefault(); onClick(e); }}
  }};
  document.addEventListener('change', onChange, true);
  document.addEventListener('dragover', onOver);
  document.addEventListener('dragleave', onLeave);
  document.addEventListener('drop', onDrop);
  document.addEventListener('click', onClick);
  document.addEventListener('keydown', onKey);
  return () => {{
    document.removeEventListener('change', onChange, true);
    document.removeEventListener('dragover', onOver);
    document.removeEventListener('dragleave', onLeave);
    document.removeEventListener('drop', onDrop);
    document.removeEventListener('click', onClick);
    document.removeEventListener('keydown', onKey);
  }};
}}, []);""")
        ]
