# The fault scenarios of tests/fault/run (docs/fault.md), one function each, run one after the
# other while the load runs. Each says what it injects, injects it, and prints its verdict: the
# fault had its effect, and the server and every process came back without an operator within
# RECOVERY_LIMIT seconds. Bash, sourced after lib.sh and processes.sh. Whether anything
# acknowledged was lost is decided once, at the end, for all of them together (run).

# kill -9 of a backend serving the load inside a transaction. PostgreSQL takes any backend that
# died by a signal for a crash: the postmaster ends every session and reinitialises.
scenario_backend_kill() {
  local pid='' t0
  for _ in $(seq 1 100); do
    pid=$(sql -c "SELECT pid FROM pg_stat_activity WHERE usename = 'workitem_load' AND xact_start IS NOT NULL
                   AND state <> 'idle' ORDER BY random() LIMIT 1") || true
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || { verdict FAIL backend_kill "no backend of the load was ever inside a transaction"; return; }
  inject "kill -9 of backend $pid, mid-transaction"
  t0=$(now)
  kill -9 "$pid"
  recovery backend_kill "$t0" "backend $pid killed mid-transaction"
}

# kill -9 of the postmaster. Its children notice and exit; the run then starts it again, as a
# supervisor would, and crash recovery replays the WAL. With fsync off nothing committed is lost
# this way, since the operating system's page cache survives a process's death (only a crash of
# the machine would lose it).
process_gone() { ! kill -0 "$1" 2>/dev/null; }
scenario_postmaster_kill() {
  local pid t0
  pid=$(postmaster_pid)
  inject "kill -9 of the postmaster $pid"
  t0=$(now)
  kill -9 "$pid"
  wait_until 30 process_gone "$pid" || true
  if ! start_server; then
    verdict FAIL postmaster_kill "the server did not start again within 60 s: $(tail -n 3 "$SERVER/server.log")"
    return
  fi
  recovery postmaster_kill "$t0" "started again by the run $(($(now) - t0)) s after the kill"
}

# kill -9 of the relay, then started again: it resumes from its cursors (whether it lost nothing
# is checked at the end against the event log: relay_stdout_sink_delivered_everything).
relay_output_beyond() { [ "$(wc -l <"$WORK/relay.ndjson")" -gt "$1" ]; }
scenario_relay_kill() {
  local lines t0
  inject "kill -9 of the relay $RELAY_PID"
  kill -9 "$RELAY_PID"
  wait "$RELAY_PID" 2>/dev/null || true
  lines=$(wc -l <"$WORK/relay.ndjson")
  t0=$(now)
  start_relay
  if wait_until "$RECOVERY_LIMIT" relay_output_beyond "$lines"; then
    verdict PASS relay_kill "started again, its stdout sink delivering $(($(now) - t0)) s later"
  else
    verdict FAIL relay_kill "the restarted relay delivered nothing within $RECOVERY_LIMIT s"
  fi
}

# kill -9 of the gateway: its clients get connection errors, never a hanging request; started
# again on the same port, it is ready and serves.
scenario_gateway_kill() {
  local refused t0 code
  inject "kill -9 of the gateway $GATEWAY_PID"
  kill -9 "$GATEWAY_PID"
  wait "$GATEWAY_PID" 2>/dev/null || true
  refused=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "$(gateway_url /livez)" || true)
  t0=$(now)
  start_gateway
  if ! wait_until "$RECOVERY_LIMIT" gateway_ready; then
    verdict FAIL gateway_kill "the restarted gateway was not ready within $RECOVERY_LIMIT s"
    return
  fi
  code=$(gateway_call GET '/api/v1/workitems?limit=1')
  if [ "$refused" = 000 ] && [ "$code" = 200 ]; then
    verdict PASS gateway_kill "a request to the dead gateway failed at once to connect; started again, ready and serving $(($(now) - t0)) s later"
  else
    verdict FAIL gateway_kill "a request to the dead gateway answered $refused (000: no connection), the restarted one $code"
  fi
}

# The webhook sink down (503 to everything) while other scenarios run, then back: the sink's
# breaker holds its cursor meanwhile, the stdout sink goes on, and once back the webhook delivers
# again within RECOVERY_LIMIT; that it works off all its backlog is checked after the load
# (relay_sinks_caught_up, run).
scenario_sink_down_begin() {
  inject "the relay's webhook sink answers 503 to everything"
  receiver_mode down
  SINK_DOWN_SINCE=$(now)
}
hook_behind() { sql -c "SELECT coalesce(events_behind, 0) FROM workitem.event_lag WHERE kind = 'consumer' AND name = 'relay.hook'"; }
received_beyond() { [ "$(wc -l <"$WORK/receiver/received.ndjson")" -gt "$1" ]; }
scenario_sink_down_end() {
  local left=$((SINK_DOWN_SINCE + SINK_DOWN - $(now))) behind received t0
  [ "$left" -le 0 ] || sleep "$left"
  behind=$(hook_behind)
  received=$(wc -l <"$WORK/receiver/received.ndjson")
  inject "the webhook sink is back after $(($(now) - SINK_DOWN_SINCE)) s, $behind events behind"
  receiver_mode ok
  t0=$(now)
  if [ "$behind" -eq 0 ]; then
    verdict FAIL sink_down "the webhook sink was down, yet its cursor kept up: the fault had no effect"
  elif wait_until "$RECOVERY_LIMIT" received_beyond "$received"; then
    verdict PASS sink_down "held back $behind events while down; delivering again $(($(now) - t0)) s after it came back (all of them: relay_sinks_caught_up below)"
  else
    verdict FAIL sink_down "nothing delivered $RECOVERY_LIMIT s after the sink came back, $(hook_behind) events behind"
  fi
}

# Every server connection of pgbouncer held by a slow statement: clients wait in pgbouncer's
# queue and are refused with a clear error (query_wait_timeout) rather than hanging, and the
# load goes on once the connections are free.
sleepers_active() {
  [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'")" -ge "$SERVER_CONNECTIONS" ]
}
# Sleeps through pgbouncer until <end> (seconds since the epoch): the load's clients queue for
# the same connections, so a sleeper refused with query_wait_timeout tries again.
sleep_through_pgbouncer() {  # sleep_through_pgbouncer <end>
  while [ "$(now)" -lt "$1" ]; do
    PGPASSFILE="$BOUNCER/pgpass" "$PG_BIN/psql" "$BOUNCER_DSN" -X -qAt \
      -c "SELECT pg_sleep(greatest(0, $1 - extract(epoch FROM clock_timestamp())))" >/dev/null 2>&1 && return
    sleep 0.2
  done
}
scenario_pgbouncer_exhaustion() {
  local sleepers=() held=no started took status t0 end err="$WORK/pgbouncer-probe.err"
  inject "pgbouncer's $SERVER_CONNECTIONS server connections held by pg_sleep for $HOLD s"
  # Up to 10 s to take every connection (the load's clients want them too), then HOLD s held.
  end=$(($(now) + 10 + HOLD))
  for _ in $(seq 1 "$SERVER_CONNECTIONS"); do
    sleep_through_pgbouncer "$end" &
    sleepers+=("$!")
    STARTED+=("$!")
  done
  wait_until $((10 + HOLD / 2)) sleepers_active && held=yes
  started=$(now)
  status=0
  timeout $((QUERY_WAIT + 60)) env PGPASSFILE="$BOUNCER/pgpass" PGCONNECT_TIMEOUT=10 \
    "$PG_BIN/psql" "$BOUNCER_DSN" -X -qAt -c 'SELECT 1' >/dev/null 2>"$err" || status=$?
  took=$(($(now) - started))
  for pid in "${sleepers[@]}"; do wait "$pid" 2>/dev/null || true; done
  t0=$(now)
  if [ "$held" != yes ]; then
    verdict FAIL pgbouncer_exhaustion "the sleepers never held all $SERVER_CONNECTIONS server connections at once: the fault had no effect"
  elif [ "$status" -eq 124 ]; then
    verdict FAIL pgbouncer_exhaustion "a client waited $took s without an answer"
  elif [ "$status" -ne 0 ] && ! grep -q query_wait_timeout "$err"; then
    verdict FAIL pgbouncer_exhaustion "a client was refused with an unclear error: $(head -c 200 "$err")"
  elif ! wait_until "$RECOVERY_LIMIT" env PGPASSFILE="$BOUNCER/pgpass" "$PG_BIN/psql" "$BOUNCER_DSN" -X -qAt -c 'SELECT 1'; then
    verdict FAIL pgbouncer_exhaustion "pgbouncer served nobody $RECOVERY_LIMIT s after its connections were free"
  else
    local how="answered after $took s"
    [ "$status" -eq 0 ] || how="refused after $took s with query_wait_timeout"
    recovery pgbouncer_exhaustion "$t0" "all $SERVER_CONNECTIONS connections held; a client of the exhausted pool was $how"
  fi
}

# The gateway's database pool (2 connections) held by two requests waiting on a row lock: every
# further request is answered 503 pool_timeout with Retry-After within --db-acquire-timeout-ms
# (1 s, and 2 s of margin for a busy machine: in less than 3 s; docs/rest.md, Limits), never left
# waiting for the lock; once the lock is gone the gateway serves again.
item_locked() {
  [ "$(sql -c "SELECT count(*) FROM pg_stat_activity
                WHERE query LIKE '%WHERE id = $1 FOR UPDATE; SELECT pg_sleep%' AND state = 'active'
                  AND pid <> pg_backend_pid()")" -ge 1 ]
}
scenario_gateway_exhaustion() {
  local item holder pids=() answers=() unavailable=0 late=0 without_retry=0 hung=0 i code seconds
  item=$(sql -c "SELECT id FROM workitem_create('fault-gateway', 'Hold', actor => 'fault')")
  inject "the gateway's pool exhausted: item $item locked for ${HOLD} s, 12 requests to change it at once"
  sql -c "BEGIN; SELECT 1 FROM workitem.item WHERE id = $item FOR UPDATE; SELECT pg_sleep($HOLD); COMMIT" >/dev/null &
  holder=$!
  STARTED+=("$holder")
  wait_until 30 item_locked "$item" || true
  for i in $(seq 1 12); do
    gateway_call PATCH "/api/v1/workitems/$item" '{"priority": 3}' "$WORK/gateway-exhaustion.$i.headers" \
      >"$WORK/gateway-exhaustion.$i.answer" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  wait "$holder" 2>/dev/null || true
  for i in $(seq 1 12); do
    read -r code seconds <"$WORK/gateway-exhaustion.$i.answer" || true  # curl ends it without a newline
    answers+=("$code@${seconds%.*}s")
    case "$code" in
      503) unavailable=$((unavailable + 1))
           [ "${seconds%.*}" -lt 3 ] || late=$((late + 1))
           grep -qi '^retry-after:' "$WORK/gateway-exhaustion.$i.headers" || without_retry=$((without_retry + 1)) ;;
      000) hung=$((hung + 1)) ;;
    esac
  done
  code=$(gateway_call GET "/api/v1/workitems/$item")
  if [ "$unavailable" -gt 0 ] && [ "$late" -eq 0 ] && [ "$without_retry" -eq 0 ] && [ "$hung" -eq 0 ] && [ "$code" = 200 ]; then
    verdict PASS gateway_exhaustion "answers ${answers[*]}: $unavailable of them 503 with Retry-After within 3 s, none hung; then served again ($code)"
  else
    verdict FAIL gateway_exhaustion "answers ${answers[*]}: $unavailable 503, $late of them after 3 s or more (held until a connection came free), $without_retry without Retry-After, $hung without an answer; afterwards $code"
  fi
}

# A session idle in a transaction that holds an xid, and a REPEATABLE READ reader holding its
# snapshot, for HORIZON seconds: vacuum can remove nothing newer meanwhile. The load and the
# timer go on (slower, perhaps: not asserted), and after the sessions end the load goes on.
horizon_held() {
  [ "$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND state = 'idle in transaction'
                 AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)")" -ge 2 ]
}
scenario_held_horizon() {
  local holders=() before during t0
  before=$(event_rate 5)
  inject "an idle-in-transaction session and a REPEATABLE READ reader hold the horizon for $HORIZON s"
  { echo "BEGIN; SELECT txid_current();"; sleep "$HORIZON"; echo "COMMIT;"; } | sql >/dev/null &
  holders+=("$!")
  { echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM workitem.item;"; sleep "$HORIZON"
    echo "SELECT count(*) FROM workitem.event; COMMIT;"; } | sql >/dev/null &
  holders+=("$!")
  STARTED+=("${holders[@]}")
  t0=$(now)
  local held=no left
  wait_until $((HORIZON / 2)) horizon_held && held=yes
  left=$((t0 + HORIZON - $(now) - 3))
  during=$(event_rate $((left > 2 ? left : 2)))
  local ticked=no
  timer_ticked_after "$t0" && ticked=yes
  for pid in "${holders[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$held" != yes ]; then
    verdict FAIL held_horizon "the 2 sessions did not hold the horizon together: the fault had no effect"
  elif [ "$during" -le 0 ] || [ "$ticked" != yes ]; then
    verdict FAIL held_horizon "while the horizon was held: $during events/s, timer ticked: $ticked"
  else
    recovery held_horizon "$(now)" "events/s $before before, $during while held (not asserted), the timer ticking"
  fi
}

# The timer's clock jumps an hour ahead (workitem.test_clock_offset, docs/operations.md; set for
# the whole server, so the timer's worker reads it at its next reload) for JUMP_HOLD seconds,
# then back: the leases the workers hold run out at once and go back to offered (the workers'
# late calls are refused with WI419, as the checks at the end hold them to), and after the
# jump back the timer and the load go on.
lease_expiries() { sql -c "SELECT coalesce(sum(done), 0) FROM workitem.timer_stats WHERE action LIKE 'lease_expire%'"; }
lease_expiries_beyond() { [ "$(lease_expiries)" -gt "$1" ]; }
scenario_clock_jump() {
  local before t0 expired=no after
  before=$(lease_expiries)
  inject "the timer's clock jumps 1 h ahead for $JUMP_HOLD s"
  sql -c "ALTER SYSTEM SET workitem.test_clock_offset = '1h'" -c 'SELECT pg_reload_conf()' >/dev/null
  t0=$(now)
  wait_until 30 lease_expiries_beyond "$before" && expired=yes
  local took=$(($(now) - t0))
  [ "$JUMP_HOLD" -le "$took" ] || sleep $((JUMP_HOLD - took))
  sql -c 'ALTER SYSTEM RESET workitem.test_clock_offset' -c 'SELECT pg_reload_conf()' >/dev/null
  after=$(lease_expiries)
  if [ "$expired" != yes ]; then
    verdict FAIL clock_jump "no lease ran out within 30 s of the jump"
  else
    recovery clock_jump "$(now)" "$((after - before)) leases ran out, the first $took s after the jump; back to the real clock"
  fi
}

# The volume holding pg_wal (a tmpfs the run mounted) filled up: PostgreSQL cannot write WAL and
# stops (a PANIC); once space is freed it runs crash recovery, started again by the run if the
# postmaster gave up meanwhile (as a supervisor would).
postmaster_gone_or_answering() { ! postmaster_running || server_answers; }
logged_since() { tail -c +$(($1 + 1)) "$SERVER/server.log" | grep -q "$2"; }
scenario_wal_disk_full() {
  if [ -n "$WAL_SKIP" ]; then
    verdict SKIP wal_disk_full "$WAL_SKIP"
    return
  fi
  local offset t0 restarted="by itself"
  offset=$(wc -c <"$SERVER/server.log")
  inject "the WAL volume ($WALFS, tmpfs of $WAL_VOLUME) filled up"
  dd if=/dev/zero of="$WALFS/filler" bs=1M status=none 2>/dev/null || true
  # Each switch needs a new segment file: no room for one.
  for _ in 1 2 3; do sql -c 'SELECT pg_switch_wal()' >/dev/null 2>&1 || break; done
  if ! wait_until 60 logged_since "$offset" 'No space left on device'; then
    rm -f "$WALFS/filler"
    verdict FAIL wal_disk_full "the server wrote no WAL to a full volume within 60 s (nothing logged)"
    return
  fi
  sleep "$WAL_FULL_HOLD"
  inject "WAL volume freed"
  rm -f "$WALFS/filler"
  t0=$(now)
  # A postmaster still running recovers by itself; one that gave up is started again.
  wait_until 5 postmaster_gone_or_answering || true
  if ! postmaster_running || ! wait_until 20 server_answers; then
    postmaster_running || { restarted="once started again by the run"; start_server || true; }
  fi
  recovery wal_disk_full "$t0" "PostgreSQL stopped writing (No space left on device), recovered $restarted after the space was freed"
}
