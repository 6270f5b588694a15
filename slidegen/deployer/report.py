"""Progress for humans (rich, on stderr) or one JSON document for scripts (on stdout).

Commands talk to a `Reporter`: `step()` frames a named step and times it, `progress()` returns a
counter for per-file work, `info()`/`warn()` add lines, `set()` adds fields to the final result.
`RichReporter` draws spinners and progress bars; `JsonReporter` stays silent until `finish()`,
which prints `{"ok": ..., "steps": [...], ...}` so scripts parse one document.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["Counter", "JsonReporter", "Reporter", "RichReporter", "StepRecord"]


class Counter(Protocol):
    def advance(self, amount: int = 1) -> None: ...


@dataclass
class StepRecord:
    name: str
    title: str
    status: str = "running"  # running | ok | skipped | failed
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
        }


class Reporter:
    """Records steps and results; subclasses decide how they are shown."""

    def __init__(self) -> None:
        self.steps: list[StepRecord] = []
        self.result: dict[str, Any] = {}
        self.warnings: list[str] = []

    @contextlib.contextmanager
    def step(self, name: str, title: str) -> Iterator[StepRecord]:
        record = StepRecord(name, title)
        self.steps.append(record)
        self._step_started(record)
        started = time.perf_counter()
        try:
            yield record
        except BaseException:
            record.status = "failed"
            raise
        else:
            if record.status == "running":
                record.status = "ok"
        finally:
            record.seconds = time.perf_counter() - started
            self._step_finished(record)

    def info(self, message: str) -> None:
        if self.steps and self.steps[-1].status == "running":
            self.steps[-1].notes.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def set(self, **fields: Any) -> None:
        self.result.update(fields)

    @contextlib.contextmanager
    def progress(self, total: int, description: str) -> Iterator[Counter]:
        yield _NullCounter()

    def finish(self, ok: bool, error: str | None = None) -> None:
        raise NotImplementedError

    def _step_started(self, record: StepRecord) -> None:
        pass

    def _step_finished(self, record: StepRecord) -> None:
        pass


class _NullCounter:
    def advance(self, amount: int = 1) -> None:
        pass


class RichReporter(Reporter):
    """Human output on stderr: one line per step, bars for uploads; the summary at the end."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console(stderr=True)

    def _step_started(self, record: StepRecord) -> None:
        self.console.print(f"[bold]→ {record.title}[/bold]")

    def info(self, message: str) -> None:
        super().info(message)
        self.console.print(f"  {message}", markup=False, highlight=False)

    def warn(self, message: str) -> None:
        super().warn(message)
        self.console.print(f"  [yellow]warning:[/yellow] {message}", highlight=False)

    def _step_finished(self, record: StepRecord) -> None:
        mark = {"ok": "[green]✓[/green]", "skipped": "[dim]-[/dim]"}.get(
            record.status, "[red]✗[/red]"
        )
        self.console.print(f"  {mark} {record.title} [dim]({record.seconds:.1f} s)[/dim]")

    @contextlib.contextmanager
    def progress(self, total: int, description: str) -> Iterator[Counter]:
        if total <= 0:
            yield _NullCounter()
            return
        columns = (
            TextColumn("  {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(description, total=total)

            class _Bar:
                def advance(self, amount: int = 1) -> None:
                    bar.advance(task, amount)

            yield _Bar()

    def finish(self, ok: bool, error: str | None = None) -> None:
        if error:
            self.console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        elif ok and self.result.get("url"):
            self.console.print(f"[green]done[/green]: {self.result['url']}", highlight=False)
            if self.result.get("deployment_id"):
                self.console.print(
                    f"deployment: {self.result['deployment_id']}", highlight=False, markup=False
                )


class JsonReporter(Reporter):
    """Silent while running; `finish()` writes one JSON document to stdout."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__()
        self.stream = stream or sys.stdout

    def finish(self, ok: bool, error: str | None = None) -> None:
        document = {
            "ok": ok,
            **self.result,
            "steps": [s.as_json() for s in self.steps],
            "warnings": self.warnings,
        }
        if error:
            document["error"] = error
        self.stream.write(json.dumps(document, indent=2, default=str) + "\n")
        self.stream.flush()
