# ruff: noqa: E501  (CSS source text)
"""The app's CSS that Radix props cannot express: the stage layout, slide scaling, selection,
drag indicators, the code editor's frame."""

CSS = """
html, body { height: 100%; }
.sg-app { height: 100vh; display: flex; flex-direction: column; background: var(--gray-2); }
.sg-main { flex: 1; min-height: 0; display: flex; }
.sg-chat { width: clamp(320px, 28vw, 400px); flex-shrink: 0; border-right: 1px solid var(--gray-5);
  display: flex; flex-direction: column; background: var(--color-panel-solid); }
.sg-log { flex: 1; min-height: 0; overflow-y: auto; display: flex; flex-direction: column-reverse;
  padding: 12px; }
.sg-msg { border-radius: 10px; padding: 8px 12px; margin: 4px 0; max-width: 100%;
  overflow-wrap: anywhere; font-size: 14px; }
.sg-msg p { margin: 0.2em 0; }
.sg-msg-user { background: var(--accent-3); align-self: flex-end; }
.sg-msg-assistant { background: var(--gray-3); }
.sg-msg-error { background: var(--red-3); color: var(--red-11); border: 1px solid var(--red-6); }
.sg-msg-info { background: transparent; color: var(--gray-11); font-size: 13px; padding: 2px 4px; }
.sg-query { font-size: 12px; margin-top: 6px; background: var(--gray-1); border-radius: 6px;
  border: 1px solid var(--gray-5); padding: 4px 8px; }
.sg-query summary { cursor: pointer; color: var(--gray-11); }
.sg-query pre { white-space: pre-wrap; font-size: 11px; margin: 6px 0; }
.sg-query table { border-collapse: collapse; font-size: 11px; }
.sg-query td, .sg-query th { border: 1px solid var(--gray-5); padding: 1px 6px; text-align: left; }
.sg-composer { border-top: 1px solid var(--gray-5); padding: 10px; }
.sg-review-toggle { display: inline-flex; align-items: center; gap: 6px; cursor: pointer;
  color: var(--gray-11); }
.sg-outline-review { border-top: 1px solid var(--gray-5); padding: 10px 12px; max-height: 45vh;
  overflow-y: auto; background: var(--gray-1); }
.sg-composer textarea { width: 100%; resize: none; border: 1px solid var(--gray-6); border-radius: 8px;
  padding: 8px; font: inherit; font-size: 14px; background: var(--color-surface); }
.sg-panel { flex: 1; min-width: 0; min-height: 0; display: flex; flex-direction: column;
  gap: 10px; padding: 12px 20px 10px; }
.sg-stage-bar { flex-shrink: 0; min-height: 32px; }
.sg-stage-area.sg-fit { flex: 1; min-height: 180px; width: 100%; aspect-ratio: auto;
  background: transparent; overflow: visible; border-radius: 0; }
.sg-stage-area .sg-stage { border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.16); outline: none; }
.sg-overview { flex: 1; min-height: 0; overflow-y: auto; padding: 4px; }
.sg-notes-bar { flex-shrink: 0; }
.sg-strip { flex-shrink: 0; display: flex; gap: 10px; overflow-x: auto; overflow-y: hidden;
  padding: 6px 4px 8px; scroll-padding: 0 24px; }
.sg-thumb { position: relative; flex: 0 0 148px; border-radius: 8px; border: 2px solid transparent;
  padding: 2px; outline: none; }
.sg-thumb:hover { border-color: var(--gray-7); }
.sg-thumb:focus-visible { box-shadow: 0 0 0 2px var(--accent-8); }
.sg-thumb.sg-focused { border-color: var(--accent-7); }
.sg-thumb.sg-selected { border-color: var(--accent-9); box-shadow: 0 0 0 2px var(--accent-5); }
.sg-thumb .sg-fit { border-radius: 5px; box-shadow: 0 1px 2px rgba(0,0,0,.18); }
.sg-thumb-number { position: absolute; left: 6px; bottom: 6px; z-index: 1; pointer-events: none;
  background: rgba(0,0,0,.6); color: #fff; border-radius: 4px; padding: 0 5px; font-size: 11px;
  line-height: 16px; }
.sg-thumb.sg-dragging { opacity: .4; }
.sg-thumb.sg-drop-before { box-shadow: -5px 0 0 0 var(--accent-9); }
.sg-thumb.sg-drop-after { box-shadow: 5px 0 0 0 var(--accent-9); }
.sg-slides { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px;
  max-width: 1500px; margin: 0 auto; }
.sg-card { border-radius: 10px; border: 2px solid transparent; background: var(--color-panel-solid);
  box-shadow: 0 1px 3px rgba(0,0,0,.12); padding: 6px; transition: border-color .1s; }
.sg-card:hover { border-color: var(--gray-6); }
.sg-card.sg-selected { border-color: var(--accent-9); box-shadow: 0 0 0 3px var(--accent-5); }
.sg-card:focus-visible { outline: 2px solid var(--accent-8); outline-offset: 2px; }
.sg-card.sg-dragging { opacity: .4; }
.sg-card.sg-drop-before { box-shadow: -5px 0 0 0 var(--accent-9); }
.sg-card.sg-drop-after { box-shadow: 5px 0 0 0 var(--accent-9); }
.sg-card-bar { display: flex; align-items: center; gap: 6px; padding: 2px 4px 6px; min-width: 0; }
.sg-card-bar .sg-title { flex: 1; min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.sg-card-bar .sg-actions { opacity: .35; transition: opacity .1s; }
.sg-card:hover .sg-actions, .sg-card.sg-selected .sg-actions { opacity: 1; }
.sg-fit { position: relative; width: 100%; aspect-ratio: 16 / 9; overflow: hidden; background: #fff;
  border-radius: 6px; }
.sg-fit > iframe { position: absolute; left: 0; top: 0; width: 1280px; height: 720px; border: 0;
  transform-origin: 0 0; transform: scale(var(--sg-scale, 0.5)); pointer-events: none; }
.sg-overlay { position: absolute; inset: 0; cursor: pointer; }
[role=dialog] .sg-fit { box-shadow: 0 0 0 1px var(--gray-5); }
.sg-handle { cursor: grab; color: var(--gray-9); }
.sg-present { position: fixed; inset: 0; background: #000; }
.sg-present .sg-fit { width: 100vw; height: 100vh; aspect-ratio: auto; background: #000;
  border-radius: 0; }
.sg-stage { position: absolute; left: 50%; top: 50%; width: calc(1280px * var(--sg-scale, 1));
  height: calc(720px * var(--sg-scale, 1)); transform: translate(-50%, -50%); overflow: hidden;
  background: #fff; }
.sg-stage > iframe { position: absolute; left: 0; top: 0; width: 1280px; height: 720px; border: 0;
  transform-origin: 0 0; transform: scale(var(--sg-scale, 1)); }
.sg-counter { position: fixed; right: 18px; bottom: 14px; color: rgba(255,255,255,.75);
  font: 14px system-ui, sans-serif; background: rgba(0,0,0,.45); padding: 3px 10px; border-radius: 12px; }
.sg-present-nav { position: fixed; left: 18px; bottom: 12px; display: flex; gap: 6px; opacity: .25; }
.sg-present-nav:hover { opacity: 1; }
.sg-code { width: 100%; height: 100%; min-height: 360px; min-width: 0; overflow: hidden;
  border: 1px solid var(--gray-6); border-radius: 6px; background: #fff; }
.sg-code > div:first-child { height: 100%; }
.sg-code .cm-editor { height: 100%; font-size: 12.5px; }
.sg-code .cm-editor.cm-focused { outline: none; }
.sg-code .cm-scroller { font-family: ui-monospace, Menlo, Consolas, monospace; line-height: 1.45; }
.sg-notes { width: 100%; min-height: 64px; max-height: 160px; resize: vertical; font: inherit;
  font-size: 14px; border: 1px solid var(--gray-6); border-radius: 6px; padding: 8px;
  background: var(--color-surface); color: var(--gray-12); }
.sg-history-row { border-radius: 6px; padding: 6px 8px; border: 1px solid var(--gray-4); }
.sg-history-row.sg-current { border-color: var(--accent-7); background: var(--accent-2); }
"""
