#!/usr/bin/env bash
# The workitem-gateway process: a configuration that cannot run exits 2 naming the problem; a
# valid one listens (on a free port, named in its start-up log line), answers /livez, reports
# /readyz 503 while its database is unreachable, and exits 0 on SIGTERM after logging "stopped".
#   process_test.sh <workitem-gateway binary>
gateway=$1
source "$(dirname "$0")/process_lib.sh" process

# No credential configured: exit 2, with the problem named.
set +e
env -u WORKITEM_GATEWAY_API_KEYS_FILE -u WORKITEM_GATEWAY_JWT_ALGORITHM "$gateway" --port 0 \
  >"$work/invalid.out" 2>"$work/invalid.err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "an invalid configuration exited $status, not 2"
grep -q "no credential could ever be accepted" "$work/invalid.err" || fail "no reason given"

# `token`: a token of three parts for a gateway with an HS256 secret; a mistake exits 2.
openssl rand -hex 32 >"$work/secret"
jwt=(--jwt-algorithm HS256 --jwt-secret-file "$work/secret" --jwt-issuer i --jwt-audience a)
token=$("$gateway" token --subject ann --tenant acme "${jwt[@]}")
[[ "$token" =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] || fail "token printed $token"
set +e
"$gateway" token --tenant acme "${jwt[@]}" >/dev/null 2>&1
no_subject=$?
"$gateway" token --subject svc --tenant acme --capability service "${jwt[@]}" >/dev/null 2>&1
service=$?
set -e
[ "$no_subject" -eq 2 ] && [ "$service" -eq 2 ] ||
  fail "token mistakes exited $no_subject and $service, not 2"

key=process-test-key
write_api_key "$key" "$work/keys.json"

# An unreachable database (a closed port): the gateway starts anyway; /readyz says so.
"$gateway" --port 0 --api-keys-file "$work/keys.json" --dsn "host=127.0.0.1 port=1 connect_timeout=1" \
  --db-acquire-timeout-ms 500 >"$work/gateway.log" 2>&1 &
pid=$!
port=$(listening_port "$work/gateway.log") || fail "no listening line"

[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/livez")" = 200 ] || fail "/livez"
[ "$(curl -s -o "$work/readyz.json" -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 503 ] ||
  fail "/readyz"
jq -e '.status == "not_ready" and .checks.database == "unavailable"' "$work/readyz.json" >/dev/null ||
  fail "/readyz says $(cat "$work/readyz.json")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")" = 401 ] ||
  fail "/metrics without a key"
curl -sf -H "X-API-Key: $key" "http://127.0.0.1:$port/metrics" | grep -q '^workitem_build_info' ||
  fail "/metrics with a key"

stop_gateway
jq -s -e 'any(.[]; .msg == "stopped")' "$work/gateway.log" >/dev/null || fail "no stopped line"
# One JSON object per line, and never the key.
jq -e . "$work/gateway.log" >/dev/null || fail "a log line is not JSON"
! grep -q "$key" "$work/gateway.log" || fail "the API key is in the log"
echo "workitem-gateway process: ok"
