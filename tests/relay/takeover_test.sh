#!/usr/bin/env bash
# A second relay takes over (docs/relay.md, Several relays): two relays run with the same sinks;
# the first holds the sink's cursor lock and delivers, the second waits on standby and delivers
# nothing. When the first is killed with SIGKILL, the second takes the cursor over within a
# moment and delivers the rest. Between them every event arrives, each item's in order. Last,
# the consumer is dropped under the running relay, which creates it again and goes on.
#   RELAY=<binary> WORKITEM_TEST_DSN=<dsn> takeover_test.sh
source "$(dirname "$0")/lib.sh"
new_database relay_takeover
printf 'sinks:\n  - {name: all, type: stdout}\n' >"$WORK/relay.yaml"
flags=(--config "$WORK/relay.yaml" --batch-size 50 --idle-wait-ms 100)
start_relay "$WORK/first.ndjson" "$WORK/first.log" "${flags[@]}"
first=$RELAY_PID
wait_for 100 grep -q '"msg":"holds the cursor"' "$WORK/first.log" || fail "the first relay holds no cursor"
wait_for 100 consumer_exists relay.all || fail "no consumer"
start_relay "$WORK/second.ndjson" "$WORK/second.log" "${flags[@]}"
second=$RELAY_PID
wait_for 100 grep -q '"msg":"standby' "$WORK/second.log" || fail "the second relay is not on standby"

write_events 5 20
wait_for 300 caught_up relay.all || fail "the first relay did not catch up"
[ ! -s "$WORK/second.ndjson" ] || fail "the relay on standby delivered events"
{ kill -9 "$first"; wait "$first"; } 2>/dev/null || true
wait_for 100 grep -q '"msg":"holds the cursor"' "$WORK/second.log" || fail "the second relay did not take over"
write_events 5 20
wait_for 300 caught_up relay.all || fail "the second relay did not catch up"
# The consumer dropped under the relay: it is created again, and goes on from then.
sql -c "SELECT workitem_consumer_drop('relay.all')"
wait_for 100 consumer_exists relay.all || fail "the dropped consumer was not created again"
write_events 1 20
wait_for 300 caught_up relay.all || fail "the relay did not catch up after the drop"
stop_relay "$second"
[ -s "$WORK/second.ndjson" ] || fail "the second relay delivered nothing"
expected_events "$WORK/expected.ndjson"
[ "$(wc -l <"$WORK/expected.ndjson")" -eq 440 ] || fail "$(wc -l <"$WORK/expected.ndjson") events, not 440"
cat "$WORK/first.ndjson" "$WORK/second.ndjson" >"$WORK/both.ndjson"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/both.ndjson" || fail "delivery"
echo "relay takeover: ok"
