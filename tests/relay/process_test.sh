#!/usr/bin/env bash
# The workitem-relay process without a database (docs/relay.md, Running it): a configuration that
# cannot run exits 2 naming every problem, a secret's variable that is unset is named (its value
# never is), --version answers, and a database that cannot be reached keeps it running with
# /readyz 503 and /livez 200 until SIGTERM stops it with status 0.
#   RELAY=<binary> process_test.sh
set -euo pipefail
RELAY=${RELAY:?the workitem-relay binary}
work=$(mktemp -d /tmp/workitem-relay-process.XXXXXX)
pid=
cleanup() {
  [ -z "$pid" ] || { kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; } || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; cat "$work"/*.err >&2 2>/dev/null || true; exit 1; }

"$RELAY" --version | grep -q . || fail "--version"
status=0
"$RELAY" 2>"$work/none.err" || status=$?
[ "$status" -eq 2 ] || fail "no --config exited $status, not 2"
grep -q "config is needed" "$work/none.err" || fail "no --config: no reason given"

cat >"$work/bad.yaml" <<'YAML'
sinks:
  - name: hook
    type: webhook
    url: ftp://nowhere
    secrets_env: RELAY_PROCESS_TEST_UNSET
  - name: hook
    type: stdout
YAML
status=0
"$RELAY" --config "$work/bad.yaml" --batch-size 0 2>"$work/bad.err" || status=$?
[ "$status" -eq 2 ] || fail "a bad configuration exited $status, not 2"
grep -q "batch-size is 1 to 100000" "$work/bad.err" || fail "batch-size not named"
"$RELAY" --config "$work/bad.yaml" 2>"$work/bad.err" || true
for problem in "url is an http" "RELAY_PROCESS_TEST_UNSET is not set" "used twice"; do
  grep -q "$problem" "$work/bad.err" || fail "not named: $problem"
done

printf 'sinks:\n  - {name: audit, type: stdout}\n' >"$work/ok.yaml"
"$RELAY" --config "$work/ok.yaml" --dsn "host=127.0.0.1 port=1 connect_timeout=1" --metrics-port 0 \
  >"$work/out.ndjson" 2>"$work/relay.err" &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(jq -r 'select(.msg == "started") | .metrics_port' "$work/relay.err" 2>/dev/null | head -n1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "no started line"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/livez")" = 200 ] || fail "/livez"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 503 ] || fail "/readyz"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nothing")" = 404 ] || fail "404"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" -eq 0 ] || fail "SIGTERM: exit status $status"
jq -e 'select(.msg == "stopped")' "$work/relay.err" >/dev/null || fail "no stopped line"
jq -e . "$work/relay.err" >/dev/null || fail "a log line is not JSON"
[ ! -s "$work/out.ndjson" ] || fail "something was written to standard output"
echo "workitem-relay process: ok"
