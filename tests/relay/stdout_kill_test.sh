#!/usr/bin/env bash
# kill -9 loses nothing (docs/relay.md, Delivery guarantees): the relay's stdout sink receives
# events while writers commit; the relay is killed with SIGKILL twice mid-run and started again.
# Afterwards every committed event is in its output, each item's events in version order, and any
# repeat is the same event with the same id. Then SIGTERM stops it with exit status 0.
#   RELAY=<binary> WORKITEM_TEST_DSN=<dsn> stdout_kill_test.sh
source "$(dirname "$0")/lib.sh"
new_database relay_stdout_kill
cat >"$WORK/relay.yaml" <<'YAML'
sinks:
  - name: all
    type: stdout
YAML
flags=(--config "$WORK/relay.yaml" --batch-size 50 --idle-wait-ms 100)

start_relay "$WORK/out.ndjson" "$WORK/relay.log" "${flags[@]}"
wait_for 100 consumer_exists relay.all || fail "the relay created no consumer"
write_events 30 20 &
writer=$!
PIDS+=("$writer")
for round in 1 2; do
  # Mid-run: once more output arrived, kill it without warning and start it again.
  before=$(wc -l <"$WORK/out.ndjson")
  wait_for 100 lines_beyond "$WORK/out.ndjson" "$((before + 100))" || fail "no progress before kill $round"
  kill -9 "$RELAY_PID"
  wait "$RELAY_PID" 2>/dev/null || true
  start_relay "$WORK/out.ndjson" "$WORK/relay.log" "${flags[@]}"
done
wait "$writer" || fail "the writer failed"
wait_for 300 caught_up relay.all || fail "the relay did not catch up"
stop_relay "$RELAY_PID"
grep -q '"msg":"stopped"' "$WORK/relay.log" || fail "no stopped line"
jq -e . "$WORK/relay.log" >/dev/null || fail "a log line is not JSON"

expected_events "$WORK/expected.ndjson"
[ "$(wc -l <"$WORK/expected.ndjson")" -eq 1200 ] || fail "the writers committed $(wc -l <"$WORK/expected.ndjson") events, not 1200"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/out.ndjson" || fail "delivery"
# Each line is the event row's envelope: the documented members are there.
head -n 1 "$WORK/out.ndjson" | jq -e 'has("seq") and has("id") and has("aggregatetype") and has("payload") and has("txid")' >/dev/null ||
  fail "the first line is not an envelope"
echo "relay stdout kill -9: ok"
