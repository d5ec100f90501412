#!/usr/bin/env bash
# A sink that is down, a poison event, the dead letters (docs/relay.md, Circuit breaker and Dead
# letters). Two sinks read the same events: stdout, and a webhook whose receiver answers 503 to
# everything at first. The stdout sink catches up while the webhook's breaker is open (seen on
# /metrics), and the down sink makes no dead letter however long it is down. The receiver then
# comes back refusing one event with 400: that event becomes the one dead letter, the item's later
# events still arrive, and every other event arrives. `dlq list` and `show` show it; `replay`
# fails while the receiver still refuses it, then delivers it and marks it replayed; `drop` of a
# replayed dead letter is refused.
#   RELAY=<binary> WORKITEM_TEST_DSN=<dsn> breaker_dlq_test.sh
source "$(dirname "$0")/lib.sh"
new_database relay_breaker_dlq
start_receiver "$WORK/hook" "secret-of-the-breaker-test-0123456789"
export RELAY_TEST_HOOK_SECRETS="secret-of-the-breaker-test-0123456789"
receiver_control "$RECEIVER_URL" "mode=down"
cat >"$WORK/relay.yaml" <<YAML
sinks:
  - name: audit
    type: stdout
  - name: hook
    type: webhook
    url: $RECEIVER_URL/events
    secrets_env: RELAY_TEST_HOOK_SECRETS
    timeout_ms: 1000
    retry: {max_attempts: 4, initial_backoff_ms: 10, max_backoff_ms: 50}
    breaker: {consecutive_failures: 3, open_ms: 300}
YAML
relay_flags=(--dsn "$DSN" --config "$WORK/relay.yaml")
start_relay "$WORK/audit.ndjson" "$WORK/relay.log" "${relay_flags[@]:2}" --batch-size 50 \
  --idle-wait-ms 100 --metrics-port 0
wait_for 100 consumer_exists relay.audit || fail "no consumer relay.audit"
wait_for 100 consumer_exists relay.hook || fail "no consumer relay.hook"
metrics_port=$(jq -r 'select(.msg == "started") | .metrics_port' "$WORK/relay.log" | head -n 1)
METRICS="http://127.0.0.1:$metrics_port"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$METRICS/livez")" = 200 ] || fail "/livez"

write_events 10 10
# The sink that is up catches up; the one that is down trips its breaker and waits.
wait_for 300 caught_up relay.audit || fail "the stdout sink did not catch up while the webhook was down"
breaker_open() { curl -sf "$METRICS/metrics" | grep -q '^workitem_relay_breaker_state{sink="hook",state="open"} 1$'; }
wait_for 50 breaker_open || fail "the webhook's breaker did not open"
caught_up relay.hook && fail "the webhook sink caught up while its receiver was down"
sleep 2  # down for a while longer: trials fail, nothing is charged to the events
[ "$("$RELAY" "${relay_flags[@]}" dlq list | wc -l)" -eq 0 ] || fail "a sink that is down made dead letters"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$METRICS/readyz")" = 200 ] || fail "/readyz"

# Back, refusing one event: the first of the first item.
poison=$(sql -c "SELECT id FROM workitem.event ORDER BY aggregateid, aggregate_version LIMIT 1")
receiver_control "$RECEIVER_URL" "mode=ok&poison=$poison"
wait_for 300 caught_up relay.hook || fail "the webhook sink did not catch up after its receiver came back"
curl -sf "$METRICS/metrics" >"$WORK/metrics.txt" || fail "/metrics"
grep -q '^workitem_relay_dead_letters_total{sink="hook"} 1$' "$WORK/metrics.txt" || fail "dead_letters_total: $(grep dead_letters "$WORK/metrics.txt")"
grep -q '^workitem_relay_breaker_state{sink="hook",state="closed"} 1$' "$WORK/metrics.txt" || fail "the breaker did not close"
grep -q '^workitem_relay_lag_events{sink="hook"} 0$' "$WORK/metrics.txt" || fail "lag: $(grep lag_events "$WORK/metrics.txt")"
grep -q '^workitem_relay_failed_total{sink="hook",reason="http_503"} [1-9]' "$WORK/metrics.txt" || fail "failed_total"

expected_events "$WORK/expected.ndjson"
expected_events "$WORK/expected-hook.ndjson" "WHERE id <> '$poison'"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/audit.ndjson" || fail "stdout sink"
python3 "$HERE/check_delivery.py" "$WORK/expected-hook.ndjson" "$WORK/hook/received.ndjson" || fail "webhook sink"

# The dead letter, as an operator finds it.
"$RELAY" "${relay_flags[@]}" dlq list >"$WORK/dlq.ndjson" || fail "dlq list"
[ "$(wc -l <"$WORK/dlq.ndjson")" -eq 1 ] || fail "dlq list: $(cat "$WORK/dlq.ndjson")"
jq -e --arg id "$poison" '.event_id == $id and .sink == "hook" and .reason == "permanent: http_400" and .state == "dead"' \
  "$WORK/dlq.ndjson" >/dev/null || fail "dlq list: $(cat "$WORK/dlq.ndjson")"
letter=$(jq -r .id "$WORK/dlq.ndjson")
"$RELAY" "${relay_flags[@]}" dlq show "$letter" | jq -e --arg id "$poison" '.event.id == $id and .event.aggregate_version == 1' >/dev/null ||
  fail "dlq show"
# Replayed while the receiver still refuses it: it stays dead.
if "$RELAY" "${relay_flags[@]}" dlq replay "$letter" 2>"$WORK/replay.err"; then fail "a refused replay succeeded"; fi
grep -q "http_400" "$WORK/replay.err" || fail "replay: $(cat "$WORK/replay.err")"
receiver_control "$RECEIVER_URL" "poison="
"$RELAY" "${relay_flags[@]}" dlq replay "$letter" | jq -e '.state == "replayed"' >/dev/null || fail "dlq replay"
grep -q "\"id\": *\"$poison\"" "$WORK/hook/received.ndjson" || fail "the replayed event did not arrive"
[ "$("$RELAY" "${relay_flags[@]}" dlq list | wc -l)" -eq 0 ] || fail "still dead after the replay"
[ "$("$RELAY" "${relay_flags[@]}" dlq list --state replayed | wc -l)" -eq 1 ] || fail "dlq list --state replayed"
if "$RELAY" "${relay_flags[@]}" dlq drop "$letter" 2>"$WORK/drop.err"; then fail "a replayed dead letter was dropped"; fi
grep -q "replayed already" "$WORK/drop.err" || fail "drop: $(cat "$WORK/drop.err")"

stop_relay "$RELAY_PID"
[ ! -s "$WORK/hook/rejected.log" ] || fail "the receiver refused a signature"
! grep -q "secret-of-the-breaker-test" "$WORK/relay.log" || fail "a secret is in the log"
echo "relay breaker and dead letters: ok"
