# Shared by the tests of the workitem-gateway process (process_test.sh, tls_test.sh), sourced
# with a name for the work directory: the directory, removed on exit with the gateway started
# as $pid stopped; fail; an API key file; the port a started gateway listens on; its stop.
#   source process_lib.sh <name>
set -euo pipefail
work=$(mktemp -d "/tmp/workitem-gateway-$1.XXXXXX")
pid=
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  cat "$work"/*.log "$work"/*.err >&2 2>/dev/null || true
  exit 1
}

# write_api_key <key> <file>: a key file holding <key>'s hash, named probe, a reader of acme.
write_api_key() {
  printf '[{"name": "probe", "sha256": "%s", "subject": "probe", "tenant": "acme", "capability": "reader"}]\n' \
    "$(printf %s "$1" | sha256sum | cut -d' ' -f1)" >"$2"
}

# listening_port <log>: the port named by the gateway's start-up line in <log> (10 s at most);
# fails (status 1, nothing printed) without one.
listening_port() {
  local port=
  for _ in $(seq 1 100); do
    port=$(jq -r 'select(.msg == "listening") | .port' "$1" 2>/dev/null | head -n1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] && echo "$port"
}

# stop_gateway: SIGTERM to $pid, which must exit 0.
stop_gateway() {
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  pid=
  [ "$status" -eq 0 ] || fail "SIGTERM: exit status $status"
}
