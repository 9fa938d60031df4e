#!/usr/bin/env bash
# Debian packages the tests need: chromium for the browser tests, PostgreSQL for the store tests,
# nginx for the reverse-proxy test (deploy/nginx.conf in front of the app).
# Installs only what is missing; needs root (CI runs as root). Safe to re-run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "missing Debian packages: ${need[*]} (run: sudo apt-get install -y --no-install-recommends ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1  # RUNLEVEL=1: installing nginx must not start it as a service
apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
