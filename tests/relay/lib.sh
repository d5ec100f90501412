# Shared by the relay's process tests (tests/relay/*_test.sh). Bash, sourced. Each test gets a
# fresh database of its own on the server tests/relay/run started (WORKITEM_TEST_DSN), and a work
# directory that is removed at exit, with every process it started stopped by its pid.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RELAY=${RELAY:?the workitem-relay binary}
PSQL=${PSQL:-psql}
: "${WORKITEM_TEST_DSN:?a server with the extension (tests/relay/run starts one)}"
WORK=$(mktemp -d /tmp/workitem-relay-test.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [ -z "${TEST_DB:-}" ] || "$PSQL" "$ADMIN_DSN" -qAt -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}

# A fresh database with the extension: DSN names it.
new_database() {  # new_database <name>
  TEST_DB=$1
  ADMIN_DSN="${WORKITEM_TEST_DSN%/*}/postgres"
  DSN="${WORKITEM_TEST_DSN%/*}/$TEST_DB"
  PGOPTIONS="-c client_min_messages=warning" "$PSQL" "$ADMIN_DSN" -qAt -c "DROP DATABASE IF EXISTS $TEST_DB WITH (FORCE)" -c "CREATE DATABASE $TEST_DB" >/dev/null
  "$PSQL" "$DSN" -qAt -v ON_ERROR_STOP=1 -c 'SET client_min_messages = error' \
    -c 'CREATE EXTENSION workitem' >/dev/null
}

# Warnings (items nobody can claim, in these tests) are not wanted on the test's output.
sql() { PGOPTIONS='-c client_min_messages=error' "$PSQL" "$DSN" -qAt -v ON_ERROR_STOP=1 "$@"; }

# Waits until the command succeeds, up to $1 tenths of a second.
wait_for() {  # wait_for <tenths> <command...>
  local tenths=$1; shift
  for _ in $(seq 1 "$tenths"); do "$@" && return 0; sleep 0.1; done
  return 1
}

# The file has more than n lines.
lines_beyond() { [ "$(wc -l <"$1")" -gt "$2" ]; }

consumer_exists() { [ "$(sql -c "SELECT count(*) FROM workitem.event_consumer WHERE name = '$1'")" = 1 ]; }
# The consumer has finished every committed event.
caught_up() {
  [ "$(sql -c "SELECT coalesce(events_behind, -1) FROM workitem.event_lag WHERE kind = 'consumer' AND name = '$1'")" = 0 ]
}

# Starts the relay in the background (stdout to $1, appended; its log to $2); RELAY_PID.
start_relay() {  # start_relay <stdout file> <log file> <flags...>
  local out=$1 err=$2; shift 2
  "$RELAY" --dsn "$DSN" "$@" >>"$out" 2>>"$err" &
  RELAY_PID=$!
  PIDS+=("$RELAY_PID")
}

stop_relay() {  # stop_relay <pid>: SIGTERM, and it must exit 0
  kill -TERM "$1"
  local status=0
  wait "$1" || status=$?
  [ "$status" -eq 0 ] || fail "the relay exited $status after SIGTERM"
}

# Writes events in many small transactions: rounds x (creates + updates of earlier items).
write_events() {  # write_events <rounds> <per round>
  local rounds=$1 per=$2
  for round in $(seq 1 "$rounds"); do
    sql -c "SELECT count(*) FROM (SELECT workitem_create('wf-relay', 'Step $round', actor => 'engine') FROM generate_series(1, $per)) AS c" \
        -c "SELECT count(*) FROM (SELECT workitem_update(id, 'engine', priority => $round % 9) FROM (SELECT id FROM workitem.item ORDER BY random() LIMIT $per) AS i) AS u" >/dev/null
  done
}

# Every committed event, as the check reads them: one JSON line each.
expected_events() {  # expected_events <file> [where clause]
  sql -c "SELECT json_build_object('id', id, 'item', aggregateid, 'version', aggregate_version, 'type', type, 'tenant', tenant_id) FROM workitem.event ${2:-} ORDER BY seq" >"$1"
}

# A webhook receiver (receiver.py) in $1, verifying with the secrets given; RECEIVER_URL.
start_receiver() {  # start_receiver <dir> <secret...>
  local dir=$1; shift
  mkdir -p "$dir"
  python3 "$HERE/receiver.py" "$dir" "$@" 2>>"$WORK/receiver.log" &
  PIDS+=("$!")
  wait_for 100 test -f "$dir/port" || fail "the receiver did not start"
  RECEIVER_URL="http://127.0.0.1:$(cat "$dir/port")"
}
receiver_control() {  # receiver_control <url> <query>
  curl -sf "$1/control?$2" >/dev/null || fail "receiver control $2"
}
