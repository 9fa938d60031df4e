#!/usr/bin/env bash
# What the tests need outside Python: chromium for the browser tests, PostgreSQL for the store tests, nginx for the
# reverse-proxy test (deploy/nginx.conf in front of the app) (Debian packages), and axe-core for the accessibility tests
# (npm, pinned in tests/js/package-lock.json, via Debian's npm). Installs only what is missing; installing Debian
# packages needs root (CI runs as root). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y --no-install-recommends ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1  # RUNLEVEL=1: installing nginx must not start it as a service
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi
if [ ! -f tests/js/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
fi
