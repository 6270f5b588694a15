"""`FitMeasurer`: the hook that lets a running turn have this browser measure slides for fit.

For each new request in `FitBridgeState.requests` ({id, docs}), the hook measures each
document in an invisible sandboxed frame (`fit_measure.js`, compiled into the app's bundle: the
page's CSP allows no `eval`, so `rx.call_script` cannot be used) and calls `on_measured(id,
reports)` with the raw reports (null for a document that did not answer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var, VarData

from slidegen.web.components.behaviours import HookFragment

__all__ = ["FitMeasurer"]

_SCRIPT = Path(__file__).with_name("fit_measure.js").read_text(encoding="utf-8")


def _id_and_reports(request_id: Var, reports: Var) -> tuple[Var[str], Var[list[Any]]]:
    return (request_id.to(str), reports.to(list))


class FitMeasurer(HookFragment):
    requests: Var[list[dict[str, Any]]] = field(
        default=Var.create([]), doc="[{id, docs}, ...]", is_javascript_property=False
    )
    on_measured: rx.EventHandler[_id_and_reports] = field(doc="(request id, raw reports)")

    def add_hooks(self) -> list[str | Var[Any]]:
        requests = f"({self.requests} || [])"
        # Each request is measured once (ids remembered for the page's life), all of them at once;
        # an answer to a request the server gave up on is ignored there.
        code = f"""
useEffect(() => {{
{_SCRIPT}
}}, []);
useEffect(() => {{
  const send = {self._trigger("on_measured")};
  const started = window.sgFitStarted = window.sgFitStarted || new Set();
  {requests}.forEach((req) => {{
    if (!req || !req.id || !Array.isArray(req.docs) || started.has(req.id)) return;
    started.add(req.id);
    window.sgMeasureFit(req.docs).then(
      (reports) => send(req.id, reports),
      () => send(req.id, req.docs.map(() => null)));
  }});
}}, [{requests}.map((r) => r && r.id).join(",")]);"""
        return [Var(code, _var_data=VarData.merge(self.requests._get_all_var_data()))]
