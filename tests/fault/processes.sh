# The processes tests/fault/run starts beside the server and pgbouncer (docs/fault.md): the relay
# with a stdout sink and a webhook sink, the webhook receiver, the gateway. Bash, sourced after
# lib.sh. Each start records its pid in STARTED, and the run's cleanup stops exactly those.
STARTED=()

# The relay with two sinks, each with its own cursor: `all` (stdout, appended to
# $WORK/relay.ndjson across restarts) and `hook` (a webhook to the receiver). A webhook that is
# down trips the sink's breaker; its events are charged no attempts meanwhile (docs/relay.md,
# Retries and dead letters), so a sink down for minutes loses nothing.
write_relay_config() {
  cat >"$WORK/relay.yaml" <<YAML
sinks:
  - name: all
    type: stdout
  - name: hook
    type: webhook
    url: $RECEIVER_URL/hook
    secrets_env: FAULT_WEBHOOK_SECRET
    retry:
      max_attempts: 10
      initial_backoff_ms: 100
      max_backoff_ms: 2000
    breaker:
      open_ms: 2000
YAML
}
start_relay() {
  FAULT_WEBHOOK_SECRET=$WEBHOOK_SECRET "$RELAY_BIN" --config "$WORK/relay.yaml" --dsn "$SERVICE_DSN" \
    --batch-size 200 --idle-wait-ms 200 >>"$WORK/relay.ndjson" 2>>"$WORK/relay.log" &
  RELAY_PID=$!
  STARTED+=("$RELAY_PID")
}
relay_consumers_exist() {
  [ "$(sql -c "SELECT count(*) FROM workitem.event_consumer WHERE name IN ('relay.all', 'relay.hook')")" = 2 ]
}
# Both sinks have every committed event.
relay_caught_up() {
  [ "$(sql -c "SELECT count(*) FROM workitem.event_lag
                WHERE kind = 'consumer' AND name IN ('relay.all', 'relay.hook') AND events_behind = 0")" = 2 ]
}

# The webhook receiver of the relay's own tests (tests/relay/receiver.py): verifies each
# signature, answers as told (GET /control?mode=ok|down), and writes what it accepted to
# $WORK/receiver/received.ndjson.
start_receiver() {
  mkdir -p "$WORK/receiver"
  python3 "$SRC/tests/relay/receiver.py" "$WORK/receiver" "$WEBHOOK_SECRET" 2>>"$WORK/receiver.log" &
  STARTED+=("$!")
  wait_until 10 test -s "$WORK/receiver/port" || return 1
  RECEIVER_URL="http://127.0.0.1:$(cat "$WORK/receiver/port")"
}
receiver_mode() { curl -sf "$RECEIVER_URL/control?mode=$1" >/dev/null; }

# The gateway on GATEWAY_PORT (the same port after a restart, as behind a balancer), a small
# database pool so that a scenario can exhaust it, and a service API key for tenant default.
write_gateway_key() {
  GATEWAY_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077
   printf '[{"name": "fault", "sha256": "%s", "subject": "fault", "tenant": "default", "capability": "service"}]\n' \
     "$(printf %s "$GATEWAY_KEY" | sha256sum | cut -d' ' -f1)" >"$WORK/gateway-keys.json")
}
start_gateway() {
  "$GATEWAY_BIN" --port "$GATEWAY_PORT" --api-keys-file "$WORK/gateway-keys.json" --dsn "$SERVICE_DSN" \
    --db-pool-size 2 --db-acquire-timeout-ms 1000 --request-timeout-ms 30000 \
    >>"$WORK/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  STARTED+=("$GATEWAY_PID")
}
gateway_url() { echo "http://127.0.0.1:$GATEWAY_PORT$1"; }
gateway_ready() { [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$(gateway_url /readyz)")" = 200 ]; }
# curl with the service key (from a file, never on the command line): prints the status, and
# with a <headers file> keeps the answer's headers there and prints the seconds it took too.
gateway_call() {  # gateway_call <method> <path> [<json body>] [<headers file>]
  local body=() headers=() format='%{http_code}'
  [ -z "${3:-}" ] || body=(-H 'Content-Type: application/json' --data "$3")
  [ -z "${4:-}" ] || { headers=(-D "$4"); format='%{http_code} %{time_total}'; }
  curl -s -o /dev/null -w "$format" -m $((HOLD + 60)) -X "$1" -H @"$WORK/gateway-headers" \
    "${body[@]}" "${headers[@]}" "$(gateway_url "$2")"
}
write_gateway_headers() {
  (umask 077; printf 'X-API-Key: %s\n' "$GATEWAY_KEY" >"$WORK/gateway-headers")
}

# Stops a process this run started: SIGTERM, then SIGKILL after 15 s.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
