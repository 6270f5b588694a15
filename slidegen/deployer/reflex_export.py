"""`python -m slidegen.deployer.reflex_export ARGS…`: `reflex export ARGS…`, reproducibly.

Two exports of the same sources differed in every chunk that imports Reflex's state module: the
frontend imports `.web/reflex.json` whole (`import reflexEnvironment from "$/reflex.json"` in
`.web/utils/state.js`, which only reads `.version`), and Reflex rewrites that file right before
each build with `last_reflex_run_datetime` (the time of the run) next to `project_hash` (a random
id per checkout). Vite inlines the JSON, so the chunk's content hash changed, then the hashes of
every chunk importing it, the route manifest, and the HTML naming them.

Here the export runs in this process with Reflex's "remember the run time" step replaced: for
the build, `reflex.json` holds only what the frontend reads (the Reflex version); afterwards the
file gets back what Reflex keeps there, with the run time it would have written.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

__all__ = ["main", "persisted_package_json_kept", "pinned_reflex_json"]


@contextlib.contextmanager
def pinned_reflex_json() -> Iterator[None]:
    """While inside, Reflex's pre-build step writes a `reflex.json` free of per-run values."""
    from reflex import constants
    from reflex.utils import prerequisites

    path = Path(prerequisites.get_web_dir()) / constants.Reflex.JSON
    try:
        kept = json.loads(path.read_text()) if path.is_file() else {}
    except ValueError:
        kept = {}
    original = prerequisites.set_last_reflex_run_time

    def only_what_the_bundle_reads() -> None:
        # On a fresh checkout Reflex has only now written the file (with its `project_hash`):
        # keep what it holds for the restore below.
        with contextlib.suppress(ValueError):
            kept.update(json.loads(path.read_text()) if path.is_file() else {})
        path.write_text(json.dumps({"version": constants.Reflex.VERSION}))

    prerequisites.set_last_reflex_run_time = only_what_the_bundle_reads
    try:
        yield
    finally:
        prerequisites.set_last_reflex_run_time = original
        if path.parent.is_dir():
            restored = {**kept, "version": constants.Reflex.VERSION}
            restored["last_reflex_run_datetime"] = str(datetime.now())
            path.write_text(json.dumps(restored))


@contextlib.contextmanager
def persisted_package_json_kept(root: Path) -> Iterator[None]:
    """A build leaves `reflex.lock/package.json` byte for byte as it was unless its content changed.

    Reflex writes that file back after every export, compact when it only re-rendered it and
    indented when bun added packages, so the tracked file flipped between the two forms with no
    change in content (and the export cache, keyed on its bytes, missed). New or changed pins are
    kept: those are a real lock update to commit.
    """
    path = root / "reflex.lock" / "package.json"
    before = path.read_bytes() if path.is_file() else None
    try:
        yield
    finally:
        if before is not None and path.is_file() and path.read_bytes() != before:
            try:
                same = json.loads(path.read_bytes()) == json.loads(before)
            except ValueError:
                same = False
            if same:
                path.write_bytes(before)


def main(argv: list[str]) -> None:
    from reflex.reflex import cli

    with persisted_package_json_kept(Path.cwd()), pinned_reflex_json():
        cli.main(args=["export", *argv], prog_name="reflex", standalone_mode=True)


if __name__ == "__main__":
    main(sys.argv[1:])
