#!/usr/bin/env bash
# The Debian packages (deploy/debian/make-packages; docs/deployment.md, Debian packages): built
# from the given builds, each holding what it should, installed with dpkg -i on this machine
# (root only: the source-built copies of the same files are overwritten, and the extension is
# installed again from its tree at the end), their systemd units checked with systemd-analyze
# verify, and the packaged gateway, relay and CLI run against a server with the packaged
# extension. Purges the packages it installed.
# Usage: packages_test.sh <repository root> <scratch dir> <cmake build dir> <built extension tree>
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/server.sh"
set -euo pipefail
root=$1 build=$3 extension_tree=$4
dir=$(mktemp -d "$2/packages.XXXXXX")
packages=(postgresql-15-workitem libworkitem0 libworkitem-dev workitem-cli workitem-gateway workitem-relay)
pids=()
installed=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  deploy_server_stop "$dir"
  if [ "$installed" = 1 ]; then
    dpkg -P "${packages[@]}" >/dev/null 2>&1 || true
    make -C "$extension_tree" -s install PG_CONFIG="$PG_CONFIG" >/dev/null  # the source-built copy back
  fi
}
trap cleanup EXIT
fail() { echo "packages: $*"; for log in "$dir"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 15 "$log"; }; done; exit 1; }

mapfile -t debs < <(bash "$root/deploy/debian/make-packages" "$dir/out" "$build" "$extension_tree")
[ ${#debs[@]} -eq ${#packages[@]} ] || fail "expected ${#packages[@]} packages, got: ${debs[*]}"
contains() {  # contains <package> <path pattern>
  local deb
  deb=$(printf '%s\n' "${debs[@]}" | grep "/$1_")
  dpkg-deb -c "$deb" >"$dir/contents"
  grep -qE "$2" "$dir/contents" || fail "$1 lacks $2"
}
contains postgresql-15-workitem '/workitem\.so$'
contains postgresql-15-workitem '/extension/workitem\.control$'
contains postgresql-15-workitem '/extension/workitem--0\.1\.0--'
contains libworkitem0 '/libworkitem\.so\.0'
contains libworkitem-dev '/include/workitem/workitem\.hpp$'
contains libworkitem-dev '/pkgconfig/workitem\.pc$'
contains workitem-cli '/usr/bin/workitem$'
contains workitem-gateway '/lib/systemd/system/workitem-gateway\.service$'
contains workitem-relay '/etc/workitem/relay\.yaml$'
for deb in "${debs[@]}"; do
  dpkg-deb -f "$deb" Depends >/dev/null || fail "$deb has no Depends"
done
dpkg-deb -f "$(printf '%s\n' "${debs[@]}" | grep /workitem-gateway_)" Depends >"$dir/depends"
grep -q libjwt "$dir/depends" ||
  fail "the gateway's Depends lack libjwt (dpkg-shlibdeps did not run?)"

if [ "$(id -u)" -ne 0 ]; then
  echo "packages: built and checked; not installed (dpkg -i needs root)"
  exit 0
fi
installed=1
dpkg -i "${debs[@]}" >"$dir/dpkg.log" 2>&1 || fail "dpkg -i failed"
for service in gateway relay; do
  systemd-analyze verify "/lib/systemd/system/workitem-$service.service" >"$dir/verify-$service.log" 2>&1 ||
    fail "systemd-analyze verify workitem-$service.service"
  security=$(systemd-analyze security --offline=true "/lib/systemd/system/workitem-$service.service" 2>/dev/null |
             sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
  [ -z "$security" ] || echo "packages: workitem-$service.service exposure $security (systemd-analyze security)"
done
/usr/bin/workitem --version >/dev/null || fail "the packaged CLI does not run"

# The packaged binaries against a server with the packaged extension, with the packaged settings
# (the database and the ports moved to this test's).
deploy_server_start "$root" "$dir"
gateway_port=$(free_port) relay_port=$(free_port)
(umask 077 && openssl rand -hex 32 >"$dir/jwt-secret")
settings() { grep -E '^[A-Z_]+=' "$1"; }
mapfile -t gateway_env < <(settings /etc/workitem/gateway.env)
gateway_env+=("WORKITEM_GATEWAY_DSN=host=127.0.0.1 port=$DEPLOY_PG_PORT dbname=workitem user=workitem_gateway"
  "WORKITEM_GATEWAY_PORT=$gateway_port" "WORKITEM_GATEWAY_JWT_SECRET_FILE=$dir/jwt-secret"
  "WORKITEM_GATEWAY_OPENAPI_FILE=/usr/share/workitem-gateway/openapi.yaml"
  "WORKITEM_DB_PASSWORD_FILE=$dir/gateway-password" "TMPDIR=$dir")
env "${gateway_env[@]}" sh "$root/deploy/containers/common/entrypoint.sh" /usr/bin/workitem-gateway \
  >"$dir/gateway.log" 2>&1 &
pids+=($!)
mapfile -t relay_env < <(settings /etc/workitem/relay.env)
relay_env+=("WORKITEM_RELAY_DSN=host=127.0.0.1 port=$DEPLOY_PG_PORT dbname=workitem user=workitem_relay"
  "WORKITEM_RELAY_METRICS_PORT=$relay_port" "WORKITEM_DB_PASSWORD_FILE=$dir/relay-password" "TMPDIR=$dir")
env "${relay_env[@]}" sh "$root/deploy/containers/common/entrypoint.sh" /usr/bin/workitem-relay \
  >"$dir/relay.events" 2>"$dir/relay.log" &
pids+=($!)
ready() { for _ in $(seq 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
ready "http://127.0.0.1:$gateway_port/readyz" || fail "the packaged gateway did not become ready"
ready "http://127.0.0.1:$relay_port/readyz" || fail "the packaged relay did not become ready"
token=$(env "${gateway_env[@]}" /usr/bin/workitem-gateway token --subject demo --tenant default --capability admin)
curl -fsS -X POST "http://127.0.0.1:$gateway_port/api/v1/workitems" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d '{"workflow_id": "wf-1", "task_name": "Review", "assignment": {"potential_owners": {"users": ["demo"]}}}' \
  >/dev/null || fail "the packaged gateway refused a create"
curl -fsS "http://127.0.0.1:$gateway_port/openapi.yaml" -H "Authorization: Bearer $token" >"$dir/openapi.yaml" ||
  fail "the packaged gateway refused /openapi.yaml"
grep -q '^openapi: 3\.1' "$dir/openapi.yaml" ||
  fail "the packaged gateway does not serve its openapi.yaml"
for _ in $(seq 50); do grep -q 'workitem.created' "$dir/relay.events" && break; sleep 0.2; done
grep -q 'workitem.created' "$dir/relay.events" || fail "the packaged relay did not deliver the created event"
echo "packages: ${#debs[@]} built, installed with dpkg -i, units verified, gateway, relay and CLI ran"
