#!/usr/bin/env bash
# Regenerate the dependency locks from pyproject.toml (run after changing dependencies).
# requirements.lock pins what the deployed app installs; requirements-dev.lock adds the dev extra;
# requirements-bench.lock adds the bench extra too (B8 installs it when it runs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
uv pip compile --quiet --python-version 3.11 pyproject.toml -o requirements.lock
uv pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements-dev.lock
uv pip compile --quiet --python-version 3.11 --extra dev --extra bench pyproject.toml \
  -o requirements-bench.lock
