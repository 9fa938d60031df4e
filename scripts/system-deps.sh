#!/usr/bin/env bash
# Debian packages the tests need: chromium for the browser tests, PostgreSQL for the store tests.
# Installs only what is missing; needs root (CI runs as root). Safe to re-run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y --no-install-recommends ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
