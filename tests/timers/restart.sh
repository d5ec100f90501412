#!/usr/bin/env bash
# The timer's background worker comes back after a server restart and picks up where it left:
# an item due while the server was down is activated once it is up again.
# Usage (as the server user): tests/timers/restart.sh <pg bindir> <scratch dir>
# Prints "restart: ok" or "restart: FAILED <why>"; exits non-zero on failure.
set -euo pipefail
BIN=$1
DIR=$2/restart
PORT=${WORKITEM_RESTART_PORT:-55871}
CONF="$(cd "$(dirname "$0")/.." && pwd)/timers.conf"
rm -rf "$DIR" && mkdir -p "$DIR"
fail() { echo "restart: FAILED $*"; "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; exit 1; }
sql() { "$BIN/psql" -X -q -At -h "$DIR" -p "$PORT" -d workitem_timers -v ON_ERROR_STOP=1 -c "$1"; }
# Polls (at most 30 s) until a query answers t.
eventually() { for _ in $(seq 300); do [ "$(sql "$1" 2>/dev/null)" = t ] && return 0; sleep 0.1; done; return 1; }

"$BIN/initdb" -D "$DIR/data" -A trust >/dev/null
cat "$CONF" >>"$DIR/data/postgresql.conf"
printf "port = %s\nlisten_addresses = ''\nunix_socket_directories = '%s'\n" "$PORT" "$DIR" >>"$DIR/data/postgresql.conf"
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
"$BIN/psql" -X -q -h "$DIR" -p "$PORT" -d postgres -c 'CREATE DATABASE workitem_timers' >/dev/null
sql 'CREATE EXTENSION workitem' >/dev/null
sql "SELECT workitem_put_user('ann', '{team}')" >/dev/null
eventually "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer')" ||
  fail "the worker did not start"
id=$(sql "SELECT id FROM workitem_create('wf', 'T', '{\"potential_owners\": {\"groups\": [\"team\"]}}', activate_at => clock_timestamp() + interval '3 seconds', actor => 'init')")

"$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
sleep 4  # the item falls due while the server is down
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
eventually "SELECT state = 'offered' FROM workitem.item WHERE id = $id" || fail "item $id was not activated after the restart"
eventually "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer')" ||
  fail "the worker is not running after the restart"
[ "$(sql "SELECT count(*) FROM workitem.event WHERE aggregateid = $id AND operation = 'activate'")" = 1 ] ||
  fail "item $id was not activated exactly once"
"$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
echo "restart: ok"
