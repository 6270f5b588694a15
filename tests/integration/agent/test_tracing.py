"""MLflow tracing: tagged traces when a tracking URI is set; off cleanly when it is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("tracing_probe.py")


def _probe(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "DATABRICKS_"))}
    work = tmp_path / "cwd"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, str(PROBE), str(tmp_path / "data")],
        cwd=work,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_tracking_uri_tracing_is_off_and_leaves_no_files(tmp_path: Path) -> None:
    report = _probe(tmp_path)
    assert report["trace_id"] is None
    assert report["chat_trace_ids"] == [None, None]
    assert report.get("last_trace_in_process") is None
    assert sorted(p.name for p in (tmp_path / "cwd").iterdir()) == []  # no mlflow.db, no mlruns


def test_with_a_tracking_uri_each_run_is_traced_with_user_and_deck(tmp_path: Path) -> None:
    uri = f"sqlite:///{tmp_path / 'tracking.db'}"
    report = _probe(tmp_path, MLFLOW_TRACKING_URI=uri)
    trace_id = report["trace_id"]
    assert trace_id and trace_id.startswith("tr-")
    assert report["chat_trace_ids"][-1] == trace_id  # the assistant message keeps it
    assert report["tags"]["slidegen.user_id"] == "alice"
    assert report["tags"]["slidegen.deck_id"] == report["deck_id"]
    assert report["tags"]["slidegen.kind"] == "generate"
    assert report["last_trace_in_process"] == trace_id
    assert report["spans"][0] == "slidegen.generate"
    assert any("ChatDatabricks" in name for name in report["spans"][1:]), report["spans"]
