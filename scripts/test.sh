#!/usr/bin/env bash
# The whole test suite, as CI runs it (after `make setup-dev`). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
