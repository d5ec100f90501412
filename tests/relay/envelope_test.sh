#!/usr/bin/env bash
# The relay's envelope is the event contract's (docs/relay.md, Sinks): the relay writes each
# envelope itself, by concatenation (client/relay/src/event_source.cpp), and this checks that
# it is, byte for byte, the text to_jsonb(e)::text gives for the workitem.event row, which
# tests/events/schemas checks against docs/events/. The events are those of the contract
# test's workload (tests/events/schemas/drive.sql: every operation, reasons, idempotency keys,
# trace contexts, several tenants), read by a stdout sink from the first event on.
#   RELAY=<binary> WORKITEM_TEST_DSN=<dsn> envelope_test.sh
source "$(dirname "$0")/lib.sh"
TEST_DB=relay_envelope
ADMIN_DSN="${WORKITEM_TEST_DSN%/*}/postgres"
DSN="${WORKITEM_TEST_DSN%/*}/$TEST_DB"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -v db="$TEST_DB" -d "$ADMIN_DSN" \
  -f "$HERE/../events/schemas/drive.sql" >"$WORK/drive.log" 2>&1 || fail "the workload (drive.sql)"
# A special character in every string member that can hold one.
sql -c "SELECT count(*) FROM workitem_create('wf \"q\" \\ é', E'Tab\\tnew\\nline\\u0001', actor => E'en\"gine', idempotency_key => E'k\\\\1')" >/dev/null
sql -c "SELECT workitem_consumer_create('relay.all', all_tenants => true)" \
    -c "SELECT workitem_consumer_rewind('relay.all', to_seq => 1)" >/dev/null
cat >"$WORK/relay.yaml" <<'YAML'
sinks:
  - name: all
    type: stdout
YAML
start_relay "$WORK/out.ndjson" "$WORK/relay.log" --config "$WORK/relay.yaml" --batch-size 37
wait_for 300 caught_up relay.all || fail "the relay did not catch up"
stop_relay "$RELAY_PID"

sql -c "SELECT to_jsonb(e)::text FROM workitem.event e ORDER BY e.seq" >"$WORK/expected.ndjson"
count=$(wc -l <"$WORK/expected.ndjson")
[ "$count" -gt 50 ] || fail "the workload wrote $count events"
[ "$(jq -r .operation "$WORK/expected.ndjson" | sort -u | wc -l)" -gt 10 ] || fail "too few operations"
# Repeats aside (at least once), the same lines, byte for byte. Not in seq order: an event
# whose transaction committed after a later-numbered one's comes in a later window.
sort -u "$WORK/expected.ndjson" >"$WORK/expected.sorted"
sort -u "$WORK/out.ndjson" >"$WORK/received.sorted"
cmp -s "$WORK/expected.sorted" "$WORK/received.sorted" ||
  fail "the envelopes differ from to_jsonb(e)::text: $(diff "$WORK/expected.sorted" "$WORK/received.sorted" | head -c 600)"
echo "relay envelope: ok ($count events, byte for byte)"
