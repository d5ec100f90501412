# Shared by tests/fault/run and tests/fault/scenarios.sh (docs/fault.md). Bash, sourced after
# scripts/lib.sh: verdicts, waiting, the run's server (its superuser session, its restart) and
# the measures a scenario's recovery is judged by.

passed=0
failed=0
verdict() {  # verdict PASS|FAIL|SKIP <name> <detail>
  echo "$1 $2: $3"
  case "$1" in
    PASS) passed=$((passed + 1)) ;;
    FAIL) failed=$((failed + 1)) ;;
  esac
}
# What a scenario injects, on the run's output before its verdict.
inject() { log "fault: $*"; }

now() { date +%s; }

# Waits until the command succeeds, up to <seconds>, trying twice a second.
wait_until() {  # wait_until <seconds> <command...>
  local until=$(($(now) + $1))
  shift
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ "$(now)" -lt "$until" ] || return 1
    sleep 0.5
  done
}

# The superuser, straight to the server (never through pgbouncer, whose pool a scenario may
# exhaust): every statement given, one psql, a connection that gives up after 5 s.
sql() {
  as_server_user env PGCONNECT_TIMEOUT=5 PGOPTIONS='-c client_min_messages=error' \
    "$PG_BIN/psql" "$DSN" -X -qAt -v ON_ERROR_STOP=1 "$@"
}
server_answers() { [ "$(sql -c 'SELECT 1' 2>/dev/null)" = 1 ]; }

# The last event's number: it grows while the load makes progress.
events_now() { sql -c 'SELECT coalesce(max(seq), 0) FROM workitem.event'; }
events_beyond() { local seen; seen=$(events_now 2>/dev/null) && [ "${seen:-0}" -gt "$1" ]; }
# The timer's worker ticked after the given time (seconds since the epoch).
timer_ticked_after() {
  [ "$(sql -c "SELECT coalesce(max(last_tick_at) > to_timestamp($1), false)
                 FROM workitem.timer_stats WHERE last_tick_by = 'workitem timer'")" = t ]
}

postmaster_pid() { head -n 1 "$DATA/postmaster.pid" 2>/dev/null; }
postmaster_running() { local pid; pid=$(postmaster_pid) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Starts the run's server again on its port, as a supervisor would (systemd's Restart=). Its
# old processes may hold the shared memory for a moment after a kill: then it tries again.
start_server() {
  local until=$(($(now) + 60))
  while :; do
    as_server_user "$PG_BIN/pg_ctl" -D "$DATA" -l "$SERVER/server.log" -o "-p $PORT" -w -t 60 \
      start >/dev/null 2>&1 && return 0
    [ "$(now)" -lt "$until" ] || return 1
    sleep 1
  done
}

# After a fault that ended at <t0>: the server answers, its timer ticks and the load makes
# progress again, all within RECOVERY_LIMIT seconds of <t0>. Prints the seconds each took, or
# fails naming what had not come back.
recovery() {  # recovery <name> <t0> [what was injected, for the PASS line]
  local name=$1 t0=$2 injected=${3:-} answered ticked progressed seen
  local deadline=$((t0 + RECOVERY_LIMIT))
  if ! wait_until $((deadline - $(now))) server_answers; then
    verdict FAIL "$name" "the server did not answer within $RECOVERY_LIMIT s"
    return
  fi
  answered=$(($(now) - t0))
  if ! wait_until $((deadline - $(now))) timer_ticked_after "$t0"; then
    verdict FAIL "$name" "the server answered after $answered s, but its timer did not tick within $RECOVERY_LIMIT s"
    return
  fi
  ticked=$(($(now) - t0))
  seen=$(events_now)
  if ! wait_until $((deadline - $(now))) events_beyond "$seen"; then
    verdict FAIL "$name" "the server answered after $answered s, its timer ticked after $ticked s, but the load committed nothing within $RECOVERY_LIMIT s"
    return
  fi
  progressed=$(($(now) - t0))
  # A probe that began in time may answer late on a busy machine: the times decide.
  if [ "$progressed" -gt "$RECOVERY_LIMIT" ]; then
    verdict FAIL "$name" "${injected:+$injected; }the server answered ${answered} s after, the timer ticked ${ticked} s after, the load committed again ${progressed} s after: later than $RECOVERY_LIMIT s"
    return
  fi
  verdict PASS "$name" "${injected:+$injected; }the server answered ${answered} s after, the timer ticked ${ticked} s after, the load committed again ${progressed} s after"
}

# Events committed per second over the next <seconds>: a measure, never asserted (the machine
# is shared; docs/fault.md).
event_rate() {  # event_rate <seconds>
  local before after
  before=$(events_now)
  sleep "$1"
  after=$(events_now)
  echo $(((after - before) / $1))
}
