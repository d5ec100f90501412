#!/usr/bin/env bash
# The webhook sink against a real HTTP receiver on loopback (receiver.py), which verifies every
# request's Standard Webhooks signature: the relay signs with two secrets (a rotation) and the
# receiver knows only the older one. While events are written the receiver answers 500 to every
# 4th request, then 429 with Retry-After: 1, then stalls past the relay's timeout. Afterwards it
# has every committed event, each item's in version order, no request was refused for its
# signature, and no event was tried again sooner than its Retry-After asked. Then the receiver
# slows down and the relay is killed with SIGKILL in the middle of a batch: the batch comes again
# (some events twice, with the same id) and nothing is missing.
#   RELAY=<binary> WORKITEM_TEST_DSN=<dsn> webhook_test.sh
source "$(dirname "$0")/lib.sh"
new_database relay_webhook
new_secret="whsec_$(head -c 32 /dev/urandom | base64)"
old_secret="old-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
start_receiver "$WORK/hook" "$old_secret"
export RELAY_TEST_HOOK_SECRETS="$new_secret $old_secret"
cat >"$WORK/relay.yaml" <<YAML
sinks:
  - name: hook
    type: webhook
    url: $RECEIVER_URL/events
    secrets_env: RELAY_TEST_HOOK_SECRETS
    timeout_ms: 500
    retry: {max_attempts: 1000, initial_backoff_ms: 10, max_backoff_ms: 200}
    breaker: {consecutive_failures: 1000, failure_rate: 1.0, window: 1000, min_calls: 1000}
YAML
start_relay "$WORK/relay.out" "$WORK/relay.log" --config "$WORK/relay.yaml" --batch-size 40 --idle-wait-ms 100
wait_for 100 consumer_exists relay.hook || fail "the relay created no consumer"

receiver_control "$RECEIVER_URL" "flaky=4"
write_events 10 10
receiver_control "$RECEIVER_URL" "flaky=0&mode=throttle"
write_events 1 5
sleep 1.5
receiver_control "$RECEIVER_URL" "mode=stall&stall_ms=1500"
write_events 1 5
sleep 1.2
receiver_control "$RECEIVER_URL" "mode=ok"
wait_for 300 caught_up relay.hook || fail "the relay did not catch up"

# kill -9 in the middle of a batch: a slow receiver (30 ms an event) has part of a batch of 40
# when the relay dies; the new relay delivers that batch again, so some events come twice.
receiver_control "$RECEIVER_URL" "delay_ms=30"
write_events 1 20
received() { wc -l <"$WORK/hook/received.ndjson"; }
before=$(received)
wait_for 100 lines_beyond "$WORK/hook/received.ndjson" "$((before + 10))" || fail "no progress before the kill"
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
[ "$(received)" -lt "$((before + 40))" ] || fail "the batch was through before the kill"
start_relay "$WORK/relay.out" "$WORK/relay.log" --config "$WORK/relay.yaml" --batch-size 40 --idle-wait-ms 100
receiver_control "$RECEIVER_URL" "delay_ms=0"
wait_for 300 caught_up relay.hook || fail "the relay did not catch up after the kill"
stop_relay "$RELAY_PID"

[ ! -s "$WORK/hook/rejected.log" ] || fail "the receiver refused: $(head -n 3 "$WORK/hook/rejected.log")"
expected_events "$WORK/expected.ndjson"
[ "$(wc -l <"$WORK/expected.ndjson")" -eq 260 ] || fail "$(wc -l <"$WORK/expected.ndjson") events, not 260"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/hook/received.ndjson" --duplicates || fail "delivery"
python3 - "$WORK/hook/attempts.ndjson" <<'PY' || fail "attempts"
import json, sys
attempts = [json.loads(line) for line in open(sys.argv[1])]
statuses = {a["status"] for a in attempts}
assert {200, 500, 429}.issubset(statuses), f"statuses seen: {statuses}"
assert all(a["signatures"] == 2 for a in attempts), "a request without both signatures"
last = {}
for a in attempts:
    before = last.get(a["id"])
    if before and before["status"] == 429:
        waited = a["time"] - before["time"]
        assert waited >= 0.95, f"{a['id']} tried again {waited:.3f}s after a 429 with Retry-After: 1"
    last[a["id"]] = a
print(f"attempts: {len(attempts)}, statuses {sorted(statuses)}")
PY
grep -q '"reason":"timeout"\|http_500' "$WORK/relay.log" || true
! grep -q "$old_secret\|${new_secret#whsec_}" "$WORK/relay.log" || fail "a secret is in the log"
echo "relay webhook: ok"
