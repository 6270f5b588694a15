"""Benchmark B5: `slidegen deploy` as a user runs it (each deploy builds the package), against
the naive file-by-file uploader.

    python -m bench.b5_deploy [--runs 3] [--cli-runs 5] [--latency-ms 30]
        [--change slidegen/web/pages/main.py]

Starts the Databricks emulator with a fixed latency on every request, then per run, interleaved
so that all see the same machine noise:
- naive: one `mkdirs` and one upload call per file, in sequence, into a fresh folder (the
  package of the first build);
- first deploy: fresh app and folder; build with the frontend exported (`--no-cache`, as on a
  machine that never built), plan, parallel upload, create app, deploy, permissions, verify;
- one-file change: a comment appended to `--change` (a page module, so the export runs again:
  the frontend is made from it; the comment differs per run, so no run finds the previous
  run's export in the cache), then deploy; must upload that file and the manifest only;
- no change: deploy again; the export comes from the cache, nothing is uploaded and no
  deployment is made (the active one is kept).
The changed file is restored at the end of each run: run this in a checkout nobody is editing.
Medians over --runs. App transitions take the emulator's configured 0.15 s each, not the
platform's. Those times are in-process (`run_deploy`). Then, after one deploy of the restored
sources, the no-change deploy as a user runs it: `slidegen deploy --env dev --yes` as a
subprocess (wall time from its start to its exit: Python, the imports, the build from the
export cache, the plan, permissions, the health check), median of --cli-runs; each must keep
the active deployment.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from databricks.sdk import WorkspaceClient

from slidegen.deployer.apps import Waits
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.operations import delete_app
from slidegen.deployer.packaging import project_root
from slidegen.deployer.pipeline import DeployContext, DeployOptions, run_deploy
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


def imports(emu: Emulator) -> list[str]:
    paths = []
    for r in emu.requests("POST", r"^/api/2.0/(workspace/import|workspace-files/import-file/)"):
        if r.path.endswith("/import"):
            body = r.body.decode("latin-1")
            paths.append(body.split('name="path"', 1)[1].split("\r\n\r\n", 1)[1].split("\r\n")[0])
        else:
            paths.append(r.path)
    return [p.split(f"/slidegen-{ENV}/", 1)[-1] for p in paths]


def deploy(w: WorkspaceClient, *, use_cache: bool = True) -> tuple[float, DeployContext]:
    started = time.perf_counter()
    ctx = run_deploy(
        DeployOptions(env=ENV, use_cache=use_cache),
        JsonReporter(io.StringIO()),
        client=w,
        waits=WAITS,
    )
    return time.perf_counter() - started, ctx


def build_s(ctx: DeployContext) -> float:
    return next(s.seconds for s in ctx.report.steps if s.name == "build")


def cli_startup_s() -> tuple[float, float]:
    """Wall and CPU time of `python -m slidegen --help`: interpreter, Typer, the SDK import."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "slidegen", "--help"], check=True, capture_output=True, timeout=120
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_deploy_s(url: str, emu: Emulator) -> float:
    """Wall time of `slidegen deploy --env dev --yes` with nothing changed; it must make no
    deployment."""
    command = shutil.which("slidegen", path=os.path.dirname(sys.executable)) or ""
    argv = [command] if command else [sys.executable, "-m", "slidegen"]
    env = {**os.environ, "DATABRICKS_HOST": url, "DATABRICKS_TOKEN": "dapi-bench"}
    env.pop("DATABRICKS_CONFIG_PROFILE", None)
    before = len(apps_state(emu).apps[f"slidegen-{ENV}"].deployments)
    started = time.perf_counter()
    done = subprocess.run(
        [*argv, "deploy", "--env", ENV, "--yes"],
        env=env,
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert "nothing changed since deployment" in " ".join(done.stderr.split()), done.stderr
    assert len(apps_state(emu).apps[f"slidegen-{ENV}"].deployments) == before
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--change", default="slidegen/web/pages/main.py")
    args = parser.parse_args()
    changed = project_root() / args.change
    original = changed.read_bytes()

    emu = Emulator()
    names = ("naive", "first", "build", "upload", "one", "one_build", "none", "none_build")
    figures: dict[str, list[float]] = {k: [] for k in names}
    seen: dict[str, object] = {}
    with running_emulator(emu) as server:
        timing = apps_state(emu).timing
        timing.start_s = timing.deploy_s = timing.update_s = timing.stop_s = 0.15
        timing.delete_s = 0.15
        w = WorkspaceClient(host=server.url, token="dapi-bench", auth_type="pat")
        env = load_env_file(ENV)
        user = w.current_user.me().user_name or ""
        folder = env.folder(user)
        emu.latency_s = args.latency_ms / 1000

        for run in range(args.runs):
            delete_app(w, env, folder, WAITS, lambda _m: None, files=True)
            total, ctx = deploy(w, use_cache=False)
            assert ctx.upload is not None and ctx.package_dir is not None
            figures["first"].append(total)
            figures["build"].append(build_s(ctx))
            figures["upload"].append(ctx.upload.seconds)
            files = [p for p in ctx.package_dir.rglob("*") if p.is_file()]
            size_mb = sum(p.stat().st_size for p in files) / 1024 / 1024
            seen["package"] = f"{len(files)} files, {size_mb:.1f} MB"

            started = time.perf_counter()
            naive_upload(w, f"/Workspace/Users/{user}/naive-{run}", ctx.package_dir)
            figures["naive"].append(time.perf_counter() - started)

            try:
                mark = f"\n# b5: one-file change {run} {time.time_ns()}\n".encode()
                changed.write_bytes(original + mark)
                emu.reset_journal()
                total, ctx = deploy(w)
                figures["one"].append(total)
                figures["one_build"].append(build_s(ctx))
                seen["one"] = (sorted(imports(emu)), ctx.report.result.get("frontend"))

                emu.reset_journal()
                total, ctx = deploy(w)
                assert ctx.report.result.get("redeployed") is False, (
                    "the no-change deploy deployed: were sources edited while this ran?"
                )
                figures["none"].append(total)
                figures["none_build"].append(build_s(ctx))
                seen["none"] = (imports(emu), ctx.report.result.get("frontend"))
            finally:
                changed.write_bytes(original)

        deploy(w)  # the restored sources, so that the CLI runs below find nothing changed
        cli = [cli_deploy_s(server.url, emu) for _ in range(args.cli_runs)]

    startup, startup_cpu = cli_startup_s()
    med = {k: statistics.median(v) for k, v in figures.items()}
    rest = med["first"] - med["build"]
    print(f"package: {seen['package']}; latency {args.latency_ms:.0f} ms/request")
    print(f"{args.runs} runs, medians (load average now {os.getloadavg()[0]:.1f}):")
    print(f"  naive sequential upload (mkdirs + upload per file): {med['naive']:7.2f} s")
    print(
        f"  first deploy (build with export, upload, app, deploy, verify): {med['first']:.2f} s"
        f" -> {med['naive'] / med['first']:.1f}x faster than naive"
    )
    print(
        f"    build (export included): {med['build']:.2f} s; parallel upload {med['upload']:.2f} s"
    )
    print(f"    everything but the build: {rest:.2f} s -> {med['naive'] / rest:.1f}x naive")
    one_uploads, one_frontend = seen["one"]  # type: ignore[misc]
    print(
        f"  one-file change ({args.change}): {med['one']:.2f} s (build {med['one_build']:.2f} s), "
        f"frontend {one_frontend}, uploads {one_uploads}"
    )
    none_uploads, none_frontend = seen["none"]  # type: ignore[misc]
    print(
        f"  no change: {med['none']:.2f} s (build {med['none_build']:.2f} s), "
        f"frontend {none_frontend}, uploads {none_uploads or 'none'}"
    )
    print(
        f"  no change, CLI subprocess (slidegen deploy --env {ENV} --yes): "
        f"{statistics.median(cli):.2f} s median of {len(cli)} "
        f"({', '.join(f'{s:.2f}' for s in cli)})"
    )
    print(
        f"  starting the CLI (python -m slidegen --help): {startup:.2f} s wall, "
        f"{startup_cpu:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
