#!/usr/bin/env bash
# The Kafka sink against librdkafka's mock cluster (3 brokers, topic outbox.event.workitem with 3
# partitions; docs/relay.md, Kafka sink). While 300 events are written, the relay is killed with
# SIGKILL once and started again, and every broker is down for two seconds. Afterwards the topic
# holds every committed event, each item's in version order (one item, one key, one partition),
# every record keyed by its item id with its event id in the header `id`; repeats only from the
# SIGKILL (at least once), always with the same id.
#   RELAY=<binary> KAFKA_MOCK=<relay_kafka_mock> WORKITEM_TEST_DSN=<dsn> kafka_test.sh
source "$(dirname "$0")/lib.sh"
KAFKA_MOCK=${KAFKA_MOCK:?relay_kafka_mock}
new_database relay_kafka
topic=outbox.event.workitem
"$KAFKA_MOCK" serve "$WORK" "$topic" >>"$WORK/mock.log" 2>&1 &
PIDS+=("$!")
mock=$!
wait_for 100 test -f "$WORK/bootstraps" || fail "the mock cluster did not start"
bootstraps=$(cat "$WORK/bootstraps")
cat >"$WORK/relay.yaml" <<YAML
sinks:
  - name: kafka
    type: kafka
    brokers: $bootstraps
    timeout_ms: 10000
    retry: {max_attempts: 1000, initial_backoff_ms: 10, max_backoff_ms: 200}
    breaker: {consecutive_failures: 3, open_ms: 200}
YAML
flags=(--config "$WORK/relay.yaml" --batch-size 40 --idle-wait-ms 100)
start_relay "$WORK/relay.out" "$WORK/relay.log" "${flags[@]}"
wait_for 100 consumer_exists relay.kafka || fail "the relay created no consumer"

write_events 5 10
kill -9 "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
write_events 5 10
start_relay "$WORK/relay.out" "$WORK/relay.log" "${flags[@]}"
touch "$WORK/down"
write_events 5 10
sleep 2
rm "$WORK/down"
wait_for 400 caught_up relay.kafka || fail "the relay did not catch up"
stop_relay "$RELAY_PID"

"$KAFKA_MOCK" dump "$bootstraps" "$topic" >"$WORK/topic.ndjson" 2>>"$WORK/dump.log" || fail "the topic"
expected_events "$WORK/expected.ndjson"
[ "$(wc -l <"$WORK/expected.ndjson")" -eq 300 ] || fail "$(wc -l <"$WORK/expected.ndjson") events, not 300"
python3 "$HERE/check_delivery.py" "$WORK/expected.ndjson" "$WORK/topic.ndjson" || fail "the topic's records"
kill -TERM "$mock"
echo "relay kafka: ok"
