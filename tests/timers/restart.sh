#!/usr/bin/env bash
# The timer's background worker comes back after a server restart and picks up where it left:
# an item due while the server was down is activated once it is up again. Then, restarted with a
# single worker slot for timers: the launcher warns once per database it cannot serve (no
# spinning), a dropped database's slot goes to the other database with the extension, and a
# plain DROP DATABASE stops the timer of the database it drops (but no other session). A worker
# that claims without a lease and is killed (kill -9 of the client; then of the server) does not
# strand its item: the default lease (workitem.default_lease_seconds, 2 s here) runs out and the
# timer offers the item again.
# Usage (as the server user): tests/timers/restart.sh <pg bindir> <scratch dir>
# Prints "restart: ok" or "restart: FAILED <why>"; exits non-zero on failure.
set -euo pipefail
BIN=$1
DIR=$2/restart
PORT=${WORKITEM_RESTART_PORT:-55871}
CONF="$(cd "$(dirname "$0")/.." && pwd)/timers.conf"
rm -rf "$DIR" && mkdir -p "$DIR"
fail() { echo "restart: FAILED $*"; "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; exit 1; }
sql_in() { "$BIN/psql" -X -q -At -h "$DIR" -p "$PORT" -d "$1" -v ON_ERROR_STOP=1 -c "$2"; }
sql() { sql_in workitem_timers "$1"; }
# Polls (at most 30 s) until a query answers t (in database $2, default workitem_timers).
eventually() { for _ in $(seq 300); do [ "$(sql_in "${2:-workitem_timers}" "$1" 2>/dev/null)" = t ] && return 0; sleep 0.1; done; return 1; }
TIMER_HERE="SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database())"

"$BIN/initdb" -D "$DIR/data" -A trust >/dev/null
cat "$CONF" >>"$DIR/data/postgresql.conf"
printf "port = %s\nlisten_addresses = ''\nunix_socket_directories = '%s'\n" "$PORT" "$DIR" >>"$DIR/data/postgresql.conf"
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
"$BIN/psql" -X -q -h "$DIR" -p "$PORT" -d postgres -c 'CREATE DATABASE workitem_timers' >/dev/null
sql 'CREATE EXTENSION workitem' >/dev/null
sql "SELECT workitem_put_user('ann', '{team}')" >/dev/null
eventually "$TIMER_HERE" || fail "the worker did not start"
id=$(sql "SELECT id FROM workitem_create('wf', 'T', '{\"potential_owners\": {\"groups\": [\"team\"]}}', activate_at => clock_timestamp() + interval '3 seconds', actor => 'init')")

"$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
sleep 4  # the item falls due while the server is down
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
eventually "SELECT state = 'offered' FROM workitem.item WHERE id = $id" || fail "item $id was not activated after the restart"
eventually "$TIMER_HERE" || fail "the worker is not running after the restart"
[ "$(sql "SELECT count(*) FROM workitem.event WHERE aggregateid = $id AND operation = 'activate'")" = 1 ] ||
  fail "item $id was not activated exactly once"

# A worker killed between claim and complete: its claim had the default lease, so the item is
# offered again within the lease and a tick (and a little slack for a loaded machine).
printf "workitem.default_lease_seconds = 2\n" >>"$DIR/data/postgresql.conf"
"$BIN/pg_ctl" -D "$DIR/data" reload >/dev/null
eventually "SELECT current_setting('workitem.default_lease_seconds') = '2s'" || fail "the default lease setting did not load"
sql "SELECT workitem_put_user('bob', '{team}')" >/dev/null
queued="'{\"potential_owners\": {\"groups\": [\"team\"]}}', queue => 'crash', actor => 'init'"
claimed_by_worker() {  # a worker (psql) claims the item, then waits for more input
  local id=$1
  rm -f "$DIR/worker.in" && mkfifo "$DIR/worker.in"
  "$BIN/psql" -X -q -At -h "$DIR" -p "$PORT" -d workitem_timers <"$DIR/worker.in" >/dev/null 2>&1 &
  worker=$!
  exec 7>"$DIR/worker.in"
  echo "SELECT id FROM workitem_claim_next('ann', queue => 'crash');" >&7
  eventually "SELECT state = 'allocated' FROM workitem.item WHERE id = $id" || fail "the worker did not claim item $id"
  [ "$(sql "SELECT lease_until IS NOT NULL FROM workitem.item WHERE id = $id")" = t ] || fail "item $id was claimed without a lease"
}
offered_again_in_time() {  # offered again, by the timer, no later than the lease's end and a tick or two
  local id=$1
  eventually "SELECT state = 'offered' FROM workitem.item WHERE id = $id" || fail "item $id stayed held after its worker died ($2)"
  [ "$(sql "SELECT count(*) FROM workitem.event WHERE aggregateid = $id AND operation = 'lease_expire'")" = 1 ] ||
    fail "item $id was not given back exactly once by the timer ($2)"
  # the next worker takes it, and completes it (its default lease would run out too)
  [ "$(sql "SELECT id FROM workitem_complete((SELECT id FROM workitem_claim_next('bob', queue => 'crash')), 'bob')")" = "$id" ] ||
    fail "item $id was not offered to the next worker ($2)"
}
id=$(sql "SELECT id FROM workitem_create('wf', 'T', $queued)")
claimed_by_worker "$id"
kill -9 "$worker"
wait "$worker" 2>/dev/null || true
exec 7>&-
started=$(date +%s%N)
offered_again_in_time "$id" "worker killed"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$elapsed_ms" -le 4000 ] || fail "item $id came back after ${elapsed_ms} ms, not within the 2 s lease and a tick"

# The same after a kill -9 of the server: crash recovery keeps the claim and its lease, and the
# timer, back with the server, gives the item back once the lease has run out.
id=$(sql "SELECT id FROM workitem_create('wf', 'T', $queued)")
claimed_by_worker "$id"
kill -9 "$(head -1 "$DIR/data/postmaster.pid")"
exec 7>&-  # the idle worker learns of the server's end only when it reads its input's end
wait "$worker" 2>/dev/null || true
# The orphaned backends leave at once (postmaster death); until then the start is refused.
for _ in $(seq 50); do "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null 2>&1 && break; sleep 0.2; done
offered_again_in_time "$id" "server killed"

# One slot for timers: the launcher's aside (and no logical replication launcher).
"$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
printf "max_worker_processes = 2\nmax_logical_replication_workers = 0\n" >>"$DIR/data/postgresql.conf"
: >"$DIR/server.log"
"$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
sql 'CREATE DATABASE workitem_timers_more' >/dev/null
sql_in workitem_timers_more 'CREATE EXTENSION workitem' >/dev/null
due="activate_at => clock_timestamp() + interval '1 second', actor => 'init'"
for db in workitem_timers workitem_timers_more; do
  sql_in $db "SELECT workitem_put_user('ann', '{team}')" >/dev/null
  sql_in $db "SELECT id FROM workitem_create('wf', 'T', '{\"potential_owners\": {\"groups\": [\"team\"]}}', $due)" >/dev/null
done
slot_warning='no background worker slot left for the timer of database'
for _ in $(seq 300); do grep -q "WARNING: .*$slot_warning \"workitem_timers" "$DIR/server.log" && break; sleep 0.1; done
grep -q "WARNING: .*$slot_warning \"workitem_timers" "$DIR/server.log" || fail "no WARNING naming the database left without a timer"
sleep 3  # three probe intervals: tried again, warned no more
for db in workitem_timers workitem_timers_more postgres; do
  [ "$(grep -c "$slot_warning \"$db\"" "$DIR/server.log")" -le 1 ] || fail "the slot WARNING for $db repeats"
done
served=$(sql "SELECT datname FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname LIKE 'workitem_timers%'")
case $served in
  workitem_timers) other=workitem_timers_more ;;
  workitem_timers_more) other=workitem_timers ;;
  *) fail "not exactly one timer with one slot: '$served'" ;;
esac
# Its slot goes to the other database once the launcher sees the database gone.
sql_in postgres "DROP DATABASE $served WITH (FORCE)" >/dev/null
eventually "SELECT bool_and(state = 'offered') FROM workitem.item" $other ||
  fail "$other got no timer after $served was dropped"
sleep 2
[ "$(grep -c "database .* does not exist" "$DIR/server.log")" -le 1 ] || fail "a timer keeps starting for the dropped database"

# A plain DROP DATABASE stops the database's timer (extension/pg/timers/drop_database.cpp) but no
# other session: one connected still makes it fail, and the timer comes back.
"$BIN/psql" -X -q -h "$DIR" -p "$PORT" -d "$other" -c 'SELECT pg_sleep(60) AS beside_the_timer' >/dev/null 2>&1 &
session=$!
BESIDE="SELECT pid FROM pg_stat_activity WHERE query LIKE '%AS beside_the_timer' AND datname = '$other' AND pid <> pg_backend_pid()"
eventually "SELECT EXISTS ($BESIDE)" postgres || fail "the session beside the timer did not start"
if refused=$(sql_in postgres "DROP DATABASE $other" 2>&1); then fail "DROP DATABASE $other succeeded beside another session"; fi
case $refused in *"is being accessed by other users"*"1 other session"*) ;; *) fail "DROP DATABASE beside a session: $refused" ;; esac
sql_in postgres "SELECT pg_terminate_backend(pid) FROM ($BESIDE) AS s" >/dev/null
wait "$session" || true
eventually "$TIMER_HERE" "$other" || fail "the timer of $other did not come back after a refused DROP DATABASE"

# A session that leaves while DROP DATABASE waits for it: the drop succeeds; the timer the
# postmaster restarts meanwhile waits for the database's lock, then finds the database gone and
# the launcher lets it go - the "does not exist" is logged once at most, not at every restart.
"$BIN/psql" -X -q -h "$DIR" -p "$PORT" -d "$other" -c 'SELECT pg_sleep(3) AS beside_the_timer' >/dev/null 2>&1 &
session=$!
eventually "SELECT EXISTS ($BESIDE)" postgres || fail "the session beside the timer did not start"
missing_before=$(grep -c "database .* does not exist" "$DIR/server.log" || true)
sql_in postgres "DROP DATABASE $other" >/dev/null || fail "a plain DROP DATABASE of $other with its timer running failed"
wait "$session" || true
sleep 5  # two of the postmaster's restart delays, and more
[ "$(grep -c "database .* does not exist" "$DIR/server.log" || true)" -le $((missing_before + 1)) ] ||
  fail "a timer keeps starting for $other, dropped"
"$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
echo "restart: ok"
