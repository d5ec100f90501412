#!/usr/bin/env bash
# workitem-gateway over TLS: with --tls-cert and --tls-key (a self-signed certificate made here
# with the openssl CLI) it serves HTTPS — the same routes, keep-alive, credentials — and nothing
# in clear; a half or a wrong TLS configuration exits 2 naming the problem.
#   tls_test.sh <workitem-gateway binary>
gateway=$1
source "$(dirname "$0")/process_lib.sh" tls

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
  -keyout "$work/other-key.pem" -out "$work/other-cert.pem" 2>/dev/null
key=tls-test-key
write_api_key "$key" "$work/keys.json"
common=(--port 0 --api-keys-file "$work/keys.json" --dsn "host=127.0.0.1 port=1 connect_timeout=1")

expect_exit_2() {  # <what the message must say> <flags...>
  local says=$1
  shift
  set +e
  "$gateway" "${common[@]}" "$@" >"$work/refused.out" 2>"$work/refused.err"
  local status=$?
  set -e
  [ "$status" -eq 2 ] || fail "$* exited $status, not 2"
  grep -q "$says" "$work/refused.err" || fail "$* did not say '$says': $(cat "$work/refused.err")"
}
expect_exit_2 "both tls-cert and tls-key" --tls-cert "$work/cert.pem"
expect_exit_2 "not a PEM key of the certificate" --tls-cert "$work/cert.pem" --tls-key "$work/other-key.pem"
expect_exit_2 "not a PEM certificate" --tls-cert "$work/keys.json" --tls-key "$work/key.pem"
expect_exit_2 "cannot read" --tls-cert "$work/none.pem" --tls-key "$work/key.pem"

"$gateway" "${common[@]}" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
  >"$work/gateway.log" 2>"$work/gateway.err" &
pid=$!
port=$(listening_port "$work/gateway.log") || fail "no listening line"
jq -s -e 'map(select(.msg == "listening")) | .[0].tls == true' "$work/gateway.log" >/dev/null ||
  fail "the listening line does not say tls"
url="https://127.0.0.1:$port"

# The certificate is checked (no -k): the one made above, for 127.0.0.1.
[ "$(curl -s --cacert "$work/cert.pem" -o /dev/null -w '%{http_code}' "$url/livez")" = 200 ] ||
  fail "/livez over TLS"
# Two requests, one connection: keep-alive works over TLS.
connects=$(curl -s --cacert "$work/cert.pem" -H "X-API-Key: $key" -o /dev/null -o /dev/null \
  -w '%{http_code} %{num_connects}\n' "$url/metrics" "$url/metrics")
[ "$connects" = "$(printf '200 1\n200 0')" ] || fail "keep-alive over TLS: $connects"
# The refusals are the same problems.
[ "$(curl -s --cacert "$work/cert.pem" -o /dev/null -w '%{http_code}' "$url/metrics")" = 401 ] ||
  fail "/metrics without a key over TLS"
[ "$(curl -s --cacert "$work/cert.pem" -o /dev/null -w '%{http_code}' "$url/no/such/route" \
  -H "X-API-Key: $key")" = 404 ] || fail "404 over TLS"
# Only TLS: a clear-text request gets no answer, and another server's certificate is refused.
! curl -s -m 5 -o /dev/null "http://127.0.0.1:$port/livez" || fail "answered in clear text"
! curl -s -m 5 --cacert "$work/other-cert.pem" -o /dev/null "$url/livez" ||
  fail "trusted with the wrong certificate"
# And the server is still there.
[ "$(curl -s --cacert "$work/cert.pem" -o /dev/null -w '%{http_code}' "$url/livez")" = 200 ] ||
  fail "/livez after the failed handshakes"

stop_gateway
echo "workitem-gateway over TLS: ok"
