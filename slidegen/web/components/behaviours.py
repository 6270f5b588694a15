# ruff: noqa: E501  (JavaScript source text: its lines are kept as written)
"""Small client-side behaviours as hook-only components (no markup, no hand-written React app).

Reflex 0.10's elements have no drag-and-drop triggers, and sending every key press to the server
to find Ctrl+Z would be wasteful. Each component here is a Fragment that installs a few window
listeners in a `useEffect` hook (the same pattern as Reflex's own `rx.window_event_listener`)
and calls its event triggers only when something relevant happened:

- `SlideDragDrop(on_move=...)`: HTML5 drag and drop between elements carrying
  `data-slide-id` and `draggable`; calls `on_move(source_id, target_id, after)`.
- `EditorShortcuts(on_undo=..., on_redo=...)`: Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z (and Ctrl+Y),
  ignored while typing in a text field (the field's own undo wins there).
- `PresenterKeys(on_next, on_prev, on_first, on_last, on_exit)`.
- `SlideKeys(on_step, on_edge, on_delete, on_duplicate, on_open)`: the editor's slide keys
  (arrows, Home/End, Delete/Backspace, Ctrl/Cmd+D, Enter on a thumbnail), ignored while typing
  or while a dialog is open; keeps the thumbnail on the stage scrolled into view and, when a
  thumbnail had the keyboard focus, moves that focus along; a mouse wheel over the filmstrip
  scrolls it sideways.
- `FitToBox()`: keeps every `.sg-fit` box's `--sg-scale` CSS variable at the scale that fits a
  1280x720 slide into it (ResizeObserver), so iframes render at full size and are scaled.
- `SubmitOnEnter(target_id)`: Enter submits the textarea's form, Shift+Enter breaks the line.
- `LazyFrames()`: every `.sg-lazy` box gets its sandboxed iframe (`sandbox="allow-scripts"`,
  document from the box's `data-srcdoc`) only once it comes near the viewport, and keeps it in
  step with `data-srcdoc` afterwards. Creating an iframe costs Chromium 5-12 ms even when empty,
  so a 200-slide deck would spend seconds on frames nobody sees yet.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

__all__ = [
    "EditorShortcuts",
    "FitToBox",
    "LazyFrames",
    "PresenterKeys",
    "SlideDragDrop",
    "SlideKeys",
    "SubmitOnEnter",
]


def _three_args(source: Var, target: Var, after: Var) -> tuple[Var[str], Var[str], Var[bool]]:
    return (source.to(str), target.to(str), after.to(bool))


def _no_args() -> tuple[()]:
    return ()


def _one_int(value: Var) -> tuple[Var[int]]:
    return (value.to(int),)


def _one_bool(value: Var) -> tuple[Var[bool]]:
    return (value.to(bool),)


def _one_str(value: Var) -> tuple[Var[str]]:
    return (value.to(str),)


class HookFragment(rx.Fragment):
    """A Fragment whose event triggers are called from a JS hook, not rendered as props."""

    @classmethod
    def create(cls, *children: Any, **props: Any) -> Any:
        from reflex_base.components.memoize_helpers import get_memoized_event_triggers

        component = super().create(*children, **props)
        memo = get_memoized_event_triggers(component)
        if memo:
            component.event_triggers = {**component.event_triggers, **memo}
        return component

    def _exclude_props(self) -> list[str]:
        return [*super()._exclude_props(), *self.event_triggers.keys()]

    def _trigger(self, name: str) -> str:
        trigger = self.event_triggers.get(name)
        return str(Var.create(trigger)) if trigger is not None else "(() => {})"


class SlideDragDrop(HookFragment):
    on_move: rx.EventHandler[_three_args] = field(doc="(source_id, target_id, after)")

    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var(f"""
useEffect(() => {{
  const move = {self._trigger("on_move")};
  let source = null;
  const card = (e) => e.target && e.target.closest ? e.target.closest('[data-slide-id]') : null;
  const clear = () => document.querySelectorAll('.sg-drop-before,.sg-drop-after,.sg-dragging')
    .forEach(el => el.classList.remove('sg-drop-before', 'sg-drop-after', 'sg-dragging'));
  // Cards flow left to right in a grid: the drop side is the horizontal half under the pointer.
  const isAfter = (el, e) => {{ const r = el.getBoundingClientRect(); return e.clientX > r.left + r.width / 2; }};
  const onStart = (e) => {{
    const el = card(e); if (!el || !el.getAttribute('draggable')) return;
    source = el.dataset.slideId;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/x-slidegen-slide', source);
    el.classList.add('sg-dragging');
  }};
  const onOver = (e) => {{
    const el = card(e); if (!el || !source) return;
    e.preventDefault(); e.dataTransfer.dropEffect = 'move';
    const after = isAfter(el, e);
    el.classList.toggle('sg-drop-after', after); el.classList.toggle('sg-drop-before', !after);
  }};
  const onLeave = (e) => {{ const el = card(e); if (el) el.classList.remove('sg-drop-before', 'sg-drop-after'); }};
  const onDrop = (e) => {{
    const el = card(e); const from = source; source = null;
    if (!el || !from) {{ clear(); return; }}
    e.preventDefault();
    const target = el.dataset.slideId; const after = isAfter(el, e);
    clear();
    if (target !== from) move(from, target, after);
  }};
  const onEnd = () => {{ source = null; clear(); }};
  document.addEventListener('dragstart', onStart);
  document.addEventListener('dragover', onOver);
  document.addEventListener('dragleave', onLeave);
  document.addEventListener('drop', onDrop);
  document.addEventListener('dragend', onEnd);
  return () => {{
    document.removeEventListener('dragstart', onStart);
    document.removeEventListener('dragover', onOver);
    document.removeEventListener('dragleave', onLeave);
    document.removeEventListener('drop', onDrop);
    document.removeEventListener('dragend', onEnd);
  }};
}}, []);""")
        ]


_TYPING = """const typing = (t) => t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));"""


class EditorShortcuts(HookFragment):
    on_undo: rx.EventHandler[_no_args] = field(doc="Ctrl/Cmd+Z")
    on_redo: rx.EventHandler[_no_args] = field(doc="Shift+Ctrl/Cmd+Z or Ctrl+Y")

    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var(f"""
useEffect(() => {{
  const undo = {self._trigger("on_undo")};
  const redo = {self._trigger("on_redo")};
  {_TYPING}
  const onKey = (e) => {{
    if (!(e.ctrlKey || e.metaKey) || e.altKey || typing(e.target)) return;
    const k = (e.key || '').toLowerCase();
    if (k === 'z' && !e.shiftKey) {{ e.preventDefault(); undo(); }}
    else if ((k === 'z' && e.shiftKey) || k === 'y') {{ e.preventDefault(); redo(); }}
  }};
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}}, []);""")
        ]


class PresenterKeys(HookFragment):
    on_next: rx.EventHandler[_no_args] = field(doc="→ ↓ Space PageDown")
    on_prev: rx.EventHandler[_no_args] = field(doc="← ↑ PageUp Backspace")
    on_first: rx.EventHandler[_no_args] = field(doc="Home")
    on_last: rx.EventHandler[_no_args] = field(doc="End")
    on_exit: rx.EventHandler[_no_args] = field(doc="Escape")

    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var(f"""
useEffect(() => {{
  const keys = {{
    ArrowRight: {self._trigger("on_next")}, ArrowDown: {self._trigger("on_next")},
    PageDown: {self._trigger("on_next")}, ' ': {self._trigger("on_next")},
    Enter: {self._trigger("on_next")},
    ArrowLeft: {self._trigger("on_prev")}, ArrowUp: {self._trigger("on_prev")},
    PageUp: {self._trigger("on_prev")}, Backspace: {self._trigger("on_prev")},
    Home: {self._trigger("on_first")}, End: {self._trigger("on_last")},
    Escape: {self._trigger("on_exit")},
  }};
  const onKey = (e) => {{
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const fn = keys[e.key]; if (!fn) return;
    e.preventDefault(); fn();
  }};
  window.addEventListener('keydown', onKey);
  // Keys pressed while an iframe has focus never reach this window: keep focus here.
  const refocus = () => setTimeout(() => {{ if (document.activeElement && document.activeElement.tagName === 'IFRAME') document.activeElement.blur(); window.focus(); }}, 0);
  window.addEventListener('blur', refocus);
  return () => {{ window.removeEventListener('keydown', onKey); window.removeEventListener('blur', refocus); }};
}}, []);""")
        ]


class SlideKeys(HookFragment):
    on_step: rx.EventHandler[_one_int] = field(doc="← ↑ (-1), → ↓ (+1)")
    on_edge: rx.EventHandler[_one_bool] = field(doc="Home (false), End (true)")
    on_delete: rx.EventHandler[_no_args] = field(doc="Delete, Backspace")
    on_duplicate: rx.EventHandler[_no_args] = field(doc="Ctrl/Cmd+D")
    on_open: rx.EventHandler[_one_str] = field(doc="Enter on a thumbnail or card: its slide id")

    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var(f"""
useEffect(() => {{
  const step = {self._trigger("on_step")};
  const edge = {self._trigger("on_edge")};
  const del = {self._trigger("on_delete")};
  const dup = {self._trigger("on_duplicate")};
  const open = {self._trigger("on_open")};
  {_TYPING}
  const STEPS = {{ ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }};
  const onKey = (e) => {{
    if (e.altKey || e.isComposing || typing(e.target) || document.querySelector('[role=dialog]')) return;
    if (!document.querySelector('[data-slide-id]')) return;  // no slides shown
    // Widgets that use these keys themselves (the view switch, menus).
    if (e.target && e.target.closest && e.target.closest('[role=radiogroup],[role=menu],[role=listbox],[role=tablist]')) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key;
    if (mod && !e.shiftKey && (k === 'd' || k === 'D')) {{ e.preventDefault(); dup(); return; }}
    if (mod || e.shiftKey) return;
    const item = e.target && e.target.closest ? e.target.closest('[data-slide-id]') : null;
    if (k === 'Enter' && item) {{ e.preventDefault(); open(item.dataset.slideId); }}
    else if (k in STEPS) {{ e.preventDefault(); step(STEPS[k]); }}
    else if (k === 'Home' || k === 'End') {{ e.preventDefault(); edge(k === 'End'); }}
    else if (k === 'Delete' || k === 'Backspace') {{ e.preventDefault(); del(); }}
  }};
  window.addEventListener('keydown', onKey);
  // A mouse wheel scrolls the horizontal filmstrip sideways (trackpads already do).
  const onWheel = (e) => {{
    const strip = e.target && e.target.closest ? e.target.closest('.sg-strip') : null;
    if (!strip || e.ctrlKey || Math.abs(e.deltaY) <= Math.abs(e.deltaX)) return;
    e.preventDefault();
    strip.scrollLeft += e.deltaY;
  }};
  window.addEventListener('wheel', onWheel, {{ passive: false }});
  // The focus moved (a server round trip later): keep the new item in view and, if the keyboard
  // was on a thumbnail, move it to the new one.
  const follow = (el) => {{
    el.scrollIntoView({{ block: 'nearest', inline: 'nearest' }});
    const a = document.activeElement;
    if (a && a !== el && a.dataset && a.dataset.slideId && a.parentElement === el.parentElement) el.focus({{ preventScroll: true }});
  }};
  const mo = new MutationObserver((records) => records.forEach((r) => {{
    const el = r.target;
    if (r.type === 'attributes' && el.dataset && el.dataset.slideId
        && /\bsg-(focused|selected)\b/.test(el.className) && !/\bsg-(focused|selected)\b/.test(r.oldValue || '')) follow(el);
  }}));
  mo.observe(document.body, {{ subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true }});
  return () => {{ window.removeEventListener('keydown', onKey); window.removeEventListener('wheel', onWheel); mo.disconnect(); }};
}}, []);""")
        ]


class FitToBox(rx.Fragment):
    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var("""
useEffect(() => {
  const fit = (el) => {
    const w = el.clientWidth, h = el.clientHeight;
    const s = el.dataset.fit === 'contain' ? Math.min(w / 1280, h / 720) : w / 1280;
    if (s > 0) el.style.setProperty('--sg-scale', String(s));
  };
  const ro = new ResizeObserver((entries) => entries.forEach((e) => fit(e.target)));
  const seen = new WeakSet();
  const scan = () => document.querySelectorAll('.sg-fit').forEach((el) => {
    if (!seen.has(el)) { seen.add(el); ro.observe(el); fit(el); }
  });
  scan();
  const mo = new MutationObserver(scan);
  mo.observe(document.body, { childList: true, subtree: true });
  return () => { ro.disconnect(); mo.disconnect(); };
}, []);""")
        ]


class SubmitOnEnter(rx.Fragment):
    target_id: str = field(default="", is_javascript_property=False)

    def add_hooks(self) -> list[str | Var[Any]]:
        target = self.target_id.replace("'", "")
        return [
            Var(f"""
useEffect(() => {{
  const onKey = (e) => {{
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || !e.target || e.target.id !== '{target}') return;
    e.preventDefault();
    const form = e.target.form; if (form && e.target.value.trim()) form.requestSubmit();
  }};
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}}, []);""")
        ]


class LazyFrames(rx.Fragment):
    def add_hooks(self) -> list[str | Var[Any]]:
        return [
            Var("""
useEffect(() => {
  const show = (box) => {
    let frame = box.querySelector(':scope > iframe');
    if (!frame) {
      frame = document.createElement('iframe');
      frame.setAttribute('sandbox', 'allow-scripts');  // never with allow-same-origin
      frame.tabIndex = -1;
      box.insertBefore(frame, box.firstChild);  // under the overlay that takes the clicks
    }
    const title = box.dataset.frameTitle || 'slide';
    if (frame.title !== title) frame.title = title;
    const doc = box.dataset.srcdoc || '';
    if (frame.getAttribute('srcdoc') !== doc) frame.setAttribute('srcdoc', doc);
  };
  const io = new IntersectionObserver((entries) => entries.forEach((e) => {
    if (e.isIntersecting && !e.target.dataset.shown) { e.target.dataset.shown = '1'; show(e.target); }
  }), { rootMargin: '600px 0px' });
  const seen = new WeakSet();
  const scan = () => document.querySelectorAll('.sg-lazy').forEach((el) => {
    if (!seen.has(el)) { seen.add(el); io.observe(el); }
  });
  scan();
  const mo = new MutationObserver((records) => {
    let added = false;
    records.forEach((r) => {
      if (r.type === 'childList') added = true;
      else if (r.target.dataset && r.target.dataset.shown) show(r.target);
    });
    if (added) scan();
  });
  mo.observe(document.body, { childList: true, subtree: true, attributes: true,
                              attributeFilter: ['data-srcdoc', 'data-frame-title'] });
  return () => { io.disconnect(); mo.disconnect(); };
}, []);""")
        ]
