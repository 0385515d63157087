#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for tests on loopback (Debian's `postgresql` package):
# initdb into a temp dir, trust auth for the `omniflow` role, fsync off (test data only).
# Prints the DATABASE_URL as its last line. Idempotent: an already running cluster is reused.
#   OMNIFLOW_PG_DIR  (default /tmp/omniflow-pg)   OMNIFLOW_PG_PORT (default 54329)
set -euo pipefail
dir="${OMNIFLOW_PG_DIR:-/tmp/omniflow-pg}"
port="${OMNIFLOW_PG_PORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2
  exit 1
fi
# initdb and postgres refuse to run as root: run them as the package's `postgres` user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir/data" -U omniflow --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
fi
if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U omniflow -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'omniflow'" | grep -q 1; then
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U omniflow omniflow
fi
echo "postgresql://omniflow@127.0.0.1:$port/omniflow"
