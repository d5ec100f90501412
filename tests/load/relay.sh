#!/usr/bin/env bash
# The relay of the load test (docs/load.md, The relay's sink): workitem-relay with one stdout
# sink, "load" (its consumer relay.load), writing every event it delivers as a line of NDJSON to
# <dir>/sink.ndjson, straight to the run's PostgreSQL (its wake-ups need a direct connection).
# While it runs, its /metrics are read once a second into <dir>/relay-lag.tsv (epoch,
# lag_events, lag_seconds, delivered): the relay's lag over time for bench/report.
#   relay.sh start <dir> <relay binary> <dsn>   starts it; returns once its consumer exists
#   relay.sh drain <dir> <seq> <seconds>        waits (at most <seconds>) until the sink has
#                                               written the event <seq> or a later one
#   relay.sh stop <dir>                         stops it (SIGTERM) and the sampler, by their pids
source "$(dirname "$0")/../../scripts/lib.sh"

command=$1
dir=$2

# The seq of the last event the sink wrote (0 before the first).
last_seq() {
  local line
  line=$(tail -n 1 "$dir/sink.ndjson" 2>/dev/null)
  [ -n "$line" ] && jq -r '.seq' <<<"$line" 2>/dev/null || echo 0
}

stop_pid() {  # stop_pid <pid file>
  [ -s "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$1"
}

case "$command" in
start)
  binary=$3 dsn=$4
  mkdir -p "$dir"
  printf 'sinks:\n  - name: load\n    type: stdout\n' >"$dir/relay.yaml"
  : >"$dir/sink.ndjson"
  WORKITEM_DSN="$dsn" "$binary" --config "$dir/relay.yaml" --metrics-port 0 \
    >"$dir/sink.ndjson" 2>"$dir/relay.log" &
  echo $! >"$dir/relay.pid"
  port=
  for _ in $(seq 1 300); do
    port=$(jq -r 'select(.msg == "started") | .metrics_port' "$dir/relay.log" 2>/dev/null | head -n1)
    [ -n "$port" ] && break
    kill -0 "$(cat "$dir/relay.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    tail -n 20 "$dir/relay.log" >&2
    exit 1
  fi
  # The sampler: one line a second while the relay answers.
  (
    printf 'epoch\tlag_events\tlag_seconds\tdelivered\n'
    while sleep 1; do
      metrics=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null) || continue
      awk -v now="$(date +%s)" '
        /^workitem_relay_lag_events[{ ]/ { events = $NF }
        /^workitem_relay_lag_seconds[{ ]/ { seconds = $NF }
        /^workitem_relay_delivered_total[{ ]/ { delivered = $NF }
        END { printf "%s\t%s\t%s\t%s\n", now, events, seconds, delivered }' <<<"$metrics"
    done
  ) >"$dir/relay-lag.tsv" 2>/dev/null &
  echo $! >"$dir/sampler.pid"
  ;;
drain)
  seq=$3 seconds=$4
  for _ in $(seq 1 $((seconds * 5))); do
    [ "$(last_seq)" -ge "$seq" ] && exit 0
    sleep 0.2
  done
  echo "relay.sh: the sink wrote up to seq $(last_seq), not $seq, in $seconds s" >&2
  exit 1
  ;;
stop)
  stop_pid "$dir/sampler.pid"
  stop_pid "$dir/relay.pid"
  ;;
*)
  echo "usage: $0 start <dir> <relay binary> <dsn> | drain <dir> <seq> <seconds> | stop <dir>" >&2
  exit 2
  ;;
esac
