#!/usr/bin/env bash
# The monitoring stack for real, on loopback (docs/monitoring.md, Checks): PostgreSQL as the image
# makes it (server.sh), the gateway and the relay started through the images' entrypoint
# (deploy/containers/common/entrypoint.sh: the password from a file) with the compose file's
# settings, Debian's prometheus-postgres-exporter with our queries, and Debian's Prometheus with
# deploy/prometheus/prometheus.yml (its targets moved to the ports started here, a 1 s scrape) and
# the alert rules. Some work goes through the gateway; then Prometheus must hold a metric of each
# target, evaluate every alert rule without an error, and answer every dashboard query.
# Stops everything it started.
# Usage: stack_test.sh <repository root> <scratch dir> <workitem-gateway> <workitem-relay>
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/server.sh"
set -euo pipefail
root=$1 gateway_bin=$3 relay_bin=$4
here="$root/tests/deploy"
dir=$(mktemp -d "$2/stack.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  deploy_server_stop "$dir"
}
trap cleanup EXIT
fail() { echo "stack: $*"; for log in "$dir"/*.log; do echo "--- $log"; tail -n 15 "$log"; done; exit 1; }
wait_for() {  # wait_for <url> [seconds]
  for _ in $(seq $((${2:-20} * 5))); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

deploy_server_start "$root" "$dir"
gateway_port=$(free_port) relay_port=$(free_port) exporter_port=$(free_port) prometheus_port=$(free_port)
(umask 077 && openssl rand -hex 32 >"$dir/jwt-secret")

# The compose file's settings, with the database and the listen address on loopback.
settings() {  # settings <env file>: its variables, for env
  grep -E '^[A-Z_]+=' "$1"
}
mapfile -t gateway_env < <(settings "$root/deploy/compose/config/gateway.env")
gateway_env+=("WORKITEM_GATEWAY_DSN=host=127.0.0.1 port=$DEPLOY_PG_PORT dbname=workitem user=workitem_gateway"
  "WORKITEM_GATEWAY_LISTEN_ADDRESS=127.0.0.1" "WORKITEM_GATEWAY_PORT=$gateway_port"
  "WORKITEM_GATEWAY_JWT_SECRET_FILE=$dir/jwt-secret" "WORKITEM_DB_PASSWORD_FILE=$dir/gateway-password"
  "TMPDIR=$dir")
env "${gateway_env[@]}" sh "$root/deploy/containers/common/entrypoint.sh" "$gateway_bin" \
  >"$dir/gateway.log" 2>&1 &
pids+=($!)
mapfile -t relay_env < <(settings "$root/deploy/compose/config/relay.env")
relay_env+=("WORKITEM_RELAY_DSN=host=127.0.0.1 port=$DEPLOY_PG_PORT dbname=workitem user=workitem_relay"
  "WORKITEM_RELAY_CONFIG=$root/deploy/compose/config/relay.yaml" "WORKITEM_RELAY_METRICS_ADDRESS=127.0.0.1"
  "WORKITEM_RELAY_METRICS_PORT=$relay_port" "WORKITEM_DB_PASSWORD_FILE=$dir/relay-password" "TMPDIR=$dir")
env "${relay_env[@]}" sh "$root/deploy/containers/common/entrypoint.sh" "$relay_bin" \
  >"$dir/relay.events" 2>"$dir/relay.log" &
pids+=($!)
DATA_SOURCE_URI="127.0.0.1:$DEPLOY_PG_PORT/workitem?sslmode=disable" DATA_SOURCE_USER=workitem_exporter \
  DATA_SOURCE_PASS_FILE="$dir/exporter-password" \
  prometheus-postgres-exporter --web.listen-address="127.0.0.1:$exporter_port" \
  --extend.query-path="$root/deploy/prometheus/postgres-exporter-queries.yaml" \
  --disable-settings-metrics >"$dir/exporter.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$gateway_port/readyz" || fail "the gateway did not become ready"
wait_for "http://127.0.0.1:$relay_port/readyz" || fail "the relay did not become ready"
wait_for "http://127.0.0.1:$exporter_port/metrics" || fail "the exporter did not start"

# Prometheus's token, minted as compose's metrics-token service mints it (the gateway's settings).
token() {  # token <subject> <capability>
  env "${gateway_env[@]}" "$gateway_bin" token --subject "$1" --tenant default --capability "$2"
}
mkdir -p "$dir/prometheus/tokens"
token prometheus reader >"$dir/prometheus/tokens/gateway.token"
cp -r "$root/deploy/prometheus/rules" "$dir/prometheus/"
python3 - "$root/deploy/prometheus/prometheus.yml" "$dir/prometheus/prometheus.yml" \
  "$gateway_port" "$relay_port" "$exporter_port" "$prometheus_port" <<'PY'
import sys, yaml
source, target, gateway, relay, exporter, prometheus = sys.argv[1:]
config = yaml.safe_load(open(source))
config["global"]["scrape_interval"] = config["global"]["evaluation_interval"] = "1s"
ports = {"workitem-gateway": gateway, "workitem-relay": relay, "workitem-postgres": exporter,
         "prometheus": prometheus}
for job in config["scrape_configs"]:
    job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[job['job_name']]}"]}]
yaml.safe_dump(config, open(target, "w"))
PY
prometheus --config.file="$dir/prometheus/prometheus.yml" --storage.tsdb.path="$dir/prometheus/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$dir/prometheus.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$prometheus_port/-/ready" 30 || fail "Prometheus did not become ready"

# Work through the gateway: items offered to ann, one claimed and completed.
deploy_psql "$dir" -c "SELECT workitem_put_user('ann', '{approvers}')" >/dev/null
admin=$(token demo admin) ann=$(token ann user)
gw="http://127.0.0.1:$gateway_port"
for n in 1 2 3; do
  curl -fsS -X POST "$gw/api/v1/workitems" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"workflow_id\": \"wf-$n\", \"task_name\": \"Approve\", \"queue\": \"invoices\",
         \"assignment\": {\"potential_owners\": {\"users\": [\"ann\"]}}}" >/dev/null || fail "create refused"
done
curl -fsS -X POST "$gw/api/v1/workitems/1/claim" -H "Authorization: Bearer $ann" >/dev/null || fail "claim refused"
curl -fsS -X POST "$gw/api/v1/workitems/1/start" -H "Authorization: Bearer $ann" >/dev/null || fail "start refused"
curl -fsS -X POST "$gw/api/v1/workitems/1/complete" -H "Authorization: Bearer $ann" -H 'Content-Type: application/json' \
  -d '{"output": {"approved": true}}' >/dev/null || fail "complete refused"

# What Prometheus holds, once each target was scraped after the work (query_prometheus.py prints what failed).
python3 "$here/query_prometheus.py" "http://127.0.0.1:$prometheus_port" "$root" || fail "Prometheus's answers"
grep -q '"type":"workitem.completed"\|"type": "workitem.completed"' "$dir/relay.events" ||
  fail "the relay's stdout sink did not deliver the completion"
echo "stack: Prometheus scraped the gateway, the relay and the exporter; every dashboard query answered"
