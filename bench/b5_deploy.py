"""Benchmark B5: `slidegen deploy` vs the naive file-by-file uploader, and the redeploy.

    python -m bench.b5_deploy [--runs 3] [--latency-ms 30] [--no-export]

Builds the real app's package once (`build_package("dev")`, frontend exported unless
--no-export), starts the Databricks emulator with a fixed latency on every request, then, in
the same run and interleaved so both see the same machine noise:
- naive: one `mkdirs` and one upload call per file, in sequence, into a fresh folder;
- deploy: a first `slidegen deploy` (fresh app and folder): build skipped (`--package`), plan,
  parallel incremental upload, create app, deploy, permissions, verify. Its upload phase is
  reported on its own too;
then a redeploy after changing one file (must upload only that file and the manifest) and a
redeploy with no change (must upload nothing). Medians over --runs; the app lifecycle takes
the emulator's configured transition times (0.15 s each here), which are not the platform's.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from databricks.sdk import WorkspaceClient

from slidegen.deployer.apps import Waits
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.operations import delete_app
from slidegen.deployer.pipeline import DeployOptions, run_deploy
from slidegen.deployer.report import JsonReporter
from slidegen.deployer.uploader import naive_upload
from slidegen.emulator.api_apps import apps_state
from slidegen.emulator.core import Emulator
from slidegen.emulator.server import running_emulator

ENV = "dev"
WAITS = Waits(
    poll_s=0.05,
    max_poll_s=0.2,
    app_timeout_s=60,
    deploy_timeout_s=60,
    verify_timeout_s=60,
    http_timeout_s=10,
)


def build(export: bool) -> Path:
    from slidegen.cli.packaging import build_package

    out = Path(tempfile.mkdtemp(prefix="b5-")) / "package"
    result = build_package(
        ENV, out, app_yaml_env=load_env_file(ENV).app_env(), export_frontend=export
    )
    return result.out_dir


def imports(emu: Emulator) -> list[str]:
    paths = []
    for r in emu.requests("POST", r"^/api/2.0/(workspace/import|workspace-files/import-file/)"):
        if r.path.endswith("/import"):
            body = r.body.decode("latin-1")
            paths.append(body.split('name="path"', 1)[1].split("\r\n\r\n", 1)[1].split("\r\n")[0])
        else:
            paths.append(r.path)
    return paths


def deploy(w: WorkspaceClient, package: Path) -> tuple[float, float]:
    started = time.perf_counter()
    ctx = run_deploy(
        DeployOptions(env=ENV, package=package), JsonReporter(io.StringIO()), client=w, waits=WAITS
    )
    assert ctx.upload is not None
    return time.perf_counter() - started, ctx.upload.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args()

    package = build(export=not args.no_export)
    files = [p for p in package.rglob("*") if p.is_file()]
    size_mb = sum(p.stat().st_size for p in files) / 1024 / 1024
    folders = {p.parent for p in files}
    print(f"package: {len(files)} files in {len(folders)} folders, {size_mb:.1f} MB")

    emu = Emulator()
    with running_emulator(emu) as server:
        timing = apps_state(emu).timing
        timing.start_s = timing.deploy_s = timing.update_s = timing.stop_s = 0.15
        timing.delete_s = 0.15
        w = WorkspaceClient(host=server.url, token="dapi-bench", auth_type="pat")
        env = load_env_file(ENV)
        user = w.current_user.me().user_name or ""
        folder = env.folder(user)
        emu.latency_s = args.latency_ms / 1000

        naive_s, deploy_s, upload_s = [], [], []
        for run in range(args.runs):
            started = time.perf_counter()
            naive_upload(w, f"/Workspace/Users/{user}/naive-{run}", package)
            naive_s.append(time.perf_counter() - started)

            delete_app(w, env, folder, WAITS, lambda _m: None, files=True)
            total, upload = deploy(w, package)
            deploy_s.append(total)
            upload_s.append(upload)

        # Redeploy after one changed file, then with nothing changed.
        changed = package / "slidegen" / "__init__.py"
        changed.write_text(changed.read_text() + "\n# b5 change\n")
        emu.reset_journal()
        redeploy_s, _ = deploy(w, package)
        redeploy_uploads = sorted(p.rsplit("/", 1)[-1] for p in imports(emu))
        emu.reset_journal()
        nochange_s, _ = deploy(w, package)
        nochange_uploads = imports(emu)

    naive, full, upload = (statistics.median(v) for v in (naive_s, deploy_s, upload_s))
    print(f"latency {args.latency_ms:.0f} ms/request, {args.runs} runs, medians:")
    print(f"  naive sequential upload (mkdirs + upload per file): {naive:7.2f} s")
    print(
        f"  slidegen deploy, first (upload + app + deploy + verify): {full:7.2f} s "
        f"-> {naive / full:.1f}x faster than naive"
    )
    print(
        f"  of which the parallel upload phase:                  {upload:7.2f} s "
        f"-> {naive / upload:.1f}x faster than naive"
    )
    print(
        f"  redeploy after changing slidegen/__init__.py: {redeploy_s:.2f} s, "
        f"uploads {redeploy_uploads}"
    )
    print(f"  redeploy with no change: {nochange_s:.2f} s, uploads {nochange_uploads or 'none'}")


if __name__ == "__main__":
    main()
