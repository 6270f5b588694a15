#!/usr/bin/env bash
# One idempotent set-up for a fresh machine of this kind (and CI): a virtual environment with the
# project and its dev tools, and the JS toolchain Reflex needs (bun, from the npm registry only).
# Source it (`. scripts/setup.sh`) to get the environment exported into the calling shell;
# `scripts/dev` does that for every command. A second run only checks stamps: it is fast.
#
#   SLIDEGEN_SETUP_BROWSER=1  also installs Debian's chromium (browser tests, PDF export).
# Strict mode for the set-up itself; the caller's shell options are restored at the end, so a
# shell that sources this file is not left with `set -e` (which would end it on the next error).
_slidegen_saved_opts="$(set +o)"
set -euo pipefail

SLIDEGEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLIDEGEN_ROOT
VENV="${SLIDEGEN_VENV:-$SLIDEGEN_ROOT/.venv}"
PYTHON_BIN="${PYTHON:-$(command -v python3.11 || command -v python3)}"

_log() { printf '[setup] %s\n' "$*" >&2; }

_hash() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# --- Python -------------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  _log "creating virtual environment $VENV ($("$PYTHON_BIN" --version))"
  "$PYTHON_BIN" -m venv "$VENV"
fi
py_stamp="$VENV/.slidegen-deps"
py_want="$(_hash "$SLIDEGEN_ROOT/pyproject.toml" "$SLIDEGEN_ROOT/requirements-dev.lock")"
if [ "$(cat "$py_stamp" 2>/dev/null)" != "$py_want" ]; then
  # uv resolves nothing here: it installs the exact pins of requirements-dev.lock (pip's own
  # resolver backtracks for minutes over databricks-langchain's tree). Regenerate the locks with
  # `scripts/lock.sh` after changing dependencies in pyproject.toml. Bytecode is compiled here
  # once: where PYTHONDONTWRITEBYTECODE is set, every process (each app the tests start) would
  # otherwise compile mlflow, langchain and the SDK from source again (~8 s an import).
  _log "installing the locked dependencies and the project into $VENV"
  [ -x "$VENV/bin/uv" ] || "$VENV/bin/python" -m pip install --quiet "uv==0.13.9"
  VIRTUAL_ENV="$VENV" "$VENV/bin/uv" pip sync --quiet --compile-bytecode "$SLIDEGEN_ROOT/requirements-dev.lock"
  VIRTUAL_ENV="$VENV" "$VENV/bin/uv" pip install --quiet --no-deps -e "$SLIDEGEN_ROOT"
  echo "$py_want" > "$py_stamp"
fi

# --- JS toolchain: bun from the npm registry (Reflex would otherwise download it) ----------------
TOOLS="$SLIDEGEN_ROOT/tools"
js_stamp="$TOOLS/node_modules/.slidegen-deps"
js_want="$(_hash "$TOOLS/package.json" "$TOOLS/package-lock.json")"
if [ ! -x "$TOOLS/node_modules/.bin/bun" ] || [ "$(cat "$js_stamp" 2>/dev/null)" != "$js_want" ]; then
  _log "installing bun from the npm registry into tools/node_modules"
  (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$js_want" > "$js_stamp"
fi

# --- Optional: Debian's Chromium for browser tests and server-side PDF ----------------------------
if [ "${SLIDEGEN_SETUP_BROWSER:-0}" = "1" ] && [ ! -x /usr/bin/chromium ]; then
  _log "installing Debian's chromium (browser tests, PDF export)"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

# --- Environment for Reflex: offline-safe, our bun, no telemetry or version checks ---------------
export PATH="$VENV/bin:$TOOLS/node_modules/.bin:$PATH"
export VIRTUAL_ENV="$VENV"
export REFLEX_USE_SYSTEM_BUN=1
export REFLEX_CHECK_LATEST_VERSION=0
export REFLEX_TELEMETRY_ENABLED=false
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org/}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
eval "$_slidegen_saved_opts"
unset _slidegen_saved_opts
