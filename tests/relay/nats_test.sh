#!/usr/bin/env bash
# The NATS JetStream sink against a real nats-server with JetStream on loopback (docs/relay.md,
# NATS JetStream sink). The relay creates the stream, publishes while writers commit, is killed
# with SIGKILL once and started again, and the server is stopped for two seconds and started
# again on the same storage. Afterwards the stream holds every committed event exactly once
# (JetStream drops a repeat by its Nats-Msg-Id, the event id), each item's in version order.
#   RELAY=<binary> NATS_DUMP=<relay_nats_dump> WORKITEM_TEST_DSN=<dsn> nats_test.sh
source "$(dirname "$0")/lib.sh"
NATS_DUMP=${NATS_DUMP:?relay_nats_dump}
command -v nats-server >/dev/null || fail "nats-server is not installed (RELAY_PACKAGES)"
new_database relay_nats
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_nats() {
  nats-server -a 127.0.0.1 -p "$port" -js -sd "$WORK/jetstream" >>"$WORK/nats.log" 2>&1 &
  NATS_PID=$!
  PIDS+=("$NATS_PID")
  wait_for 100 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null || fail "nats-server did not start"
}
start_nats
cat >"$WORK/relay.yaml" <<YAML
sinks:
  - name: stream
    type: nats
    url: nats://127.0.0.1:$port
    subject: workitem.events.{type}
    stream: RELAYTEST
    timeout_ms: 1000
    retry: {max_attempts: 1000, initial_backoff_ms: 10, max_backoff_ms: 200}
    breaker: {consecutive_failures: 3, open_ms: 200}
YAML
flags=(--config "$WORK/relay.yaml" --batch-size 40 --idle-wait-ms 100)
start_relay "$WORK/relay.out" "$WORK/relay.log" "${flags[@]}"
wait_for 100 consumer_exists relay.stream || fail "the relay created no consumer"

write_events 5 10
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
write_events 5 10
start_relay "$WORK/relay.out" "$WORK/relay.log" "${flags[@]}" --metrics-port 0
kill -TERM "$NATS_PID"
wait "$NATS_PID" 2>/dev/null || true
write_events 5 10
sleep 2
start_nats
wait_for 300 caught_up relay.stream || fail "the relay did not catch up"
# It did meet the server down (and so its breaker).
metrics_port=$(jq -r 'select(.msg == "started") | .metrics_port' "$WORK/relay.log" | tail -n 1)
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$WORK/metrics.txt" || fail "/metrics"
grep -Eq '^workitem_relay_failed_total\{sink="stream",reason="[a-z_]+"\} [1-9]' "$WORK/metrics.txt" ||
  fail "no failure while the server was down: $(grep failed_total "$WORK/metrics.txt")"
stop_relay "$RELAY_PID"

"$NATS_DUMP" "nats://127.0.0.1:$port" RELAYTEST >"$WORK/stream.ndjson" || fail "the stream"
expected_events "$WORK/expected.ndjson"
[ "$(wc -l <"$WORK/expected.ndjson")" -eq 300 ] || fail "$(wc -l <"$WORK/expected.ndjson") events, not 300"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/stream.ndjson" --no-duplicates ||
  fail "the stream's messages"
echo "relay nats: ok"
