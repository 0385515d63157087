#!/usr/bin/env bash
# Stops the test cluster started by start.sh; `--clean` also deletes its data directory.
set -euo pipefail
dir="${OMNIFLOW_PG_DIR:-/tmp/omniflow-pg}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
fi
if [ "${1:-}" = "--clean" ]; then rm -rf "$dir"; fi
