#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL (Debian's) on 127.0.0.1 and SOFTREBOOT_TEST_POSTGRES_URL set.
# Without PostgreSQL installed, runs the command as it is (the PostgreSQL tests are then skipped).
set -euo pipefail
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  echo "with-postgres: PostgreSQL not installed; PostgreSQL tests will be skipped" >&2
  exec "$@"
fi
DIR=$(mktemp -d /tmp/softreboot-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$DIR"   # initdb refuses to run as root
  RUN_AS=(runuser -u postgres --)
fi
cleanup() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DIR/data" -U postgres -A trust >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres softreboot_test
export SOFTREBOOT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/softreboot_test"
"$@"
