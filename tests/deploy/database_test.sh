#!/usr/bin/env bash
# The database side of deploy/, against a real server (docs/monitoring.md, Checks): a PostgreSQL 15
# on loopback configured with deploy/containers/postgres/workitem.conf (the library preloaded),
# the image's init script (initdb/10-workitem.sh) run as the official entrypoint runs it, a few
# items, then Debian's prometheus-postgres-exporter as workitem_exporter, with its password
# file and deploy/prometheus/postgres-exporter-queries.yaml: every query must run (no scrape
# error) and the figures must appear on /metrics. Stops everything it started.
# Usage: database_test.sh <repository root> <scratch dir>; PG_BIN from scripts/lib.sh.
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/server.sh"
set -euo pipefail
root=$1
dir=$(mktemp -d "$2/database.XXXXXX")
exporter_port=$(free_port)
exporter_pid=
cleanup() {
  [ -z "$exporter_pid" ] || kill "$exporter_pid" 2>/dev/null || true
  deploy_server_stop "$dir"
}
trap cleanup EXIT
deploy_server_start "$root" "$dir"
port=$DEPLOY_PG_PORT
cat "$dir"/*-password >"$dir/passwords"
if grep -q -F -f "$dir/passwords" "$dir/init.log" "$dir/server.log"; then
  echo "a password was logged"; exit 1
fi

# Work to show: an overdue offered item in queue invoices, an event consumer.
deploy_psql "$dir" >/dev/null <<'SQL'
SELECT workitem_put_user('ann', '{approvers}');
SELECT id FROM workitem_create('wf-1', 'Approve', queue => 'invoices',
    assignment => '{"potential_owners": {"groups": ["approvers"]}}', due_at => now() - interval '1 hour');
SELECT workitem_consumer_create('billing');
SQL
# Each service login works with its password (scram-sha-256 over TCP).
for name in gateway relay exporter; do
  PGPASSWORD=$(cat "$dir/$name-password") "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U "workitem_$name" \
    -d workitem -qAtX -c 'SELECT 1' >/dev/null || { echo "workitem_$name cannot log in"; exit 1; }
done

# The exporter, configured as deploy/compose/config/postgres-exporter.env configures it.
DATA_SOURCE_URI="127.0.0.1:$port/workitem?sslmode=disable" DATA_SOURCE_USER=workitem_exporter \
  DATA_SOURCE_PASS_FILE="$dir/exporter-password" \
  prometheus-postgres-exporter --web.listen-address="127.0.0.1:$exporter_port" \
  --extend.query-path="$root/deploy/prometheus/postgres-exporter-queries.yaml" \
  --disable-settings-metrics >"$dir/exporter.log" 2>&1 &
exporter_pid=$!
for _ in $(seq 50); do
  sleep 0.2
  curl -fsS "http://127.0.0.1:$exporter_port/metrics" >"$dir/metrics" 2>/dev/null &&
    grep -q '^workitem_timer_last_tick_age_seconds' "$dir/metrics" && break
done
missing=0
expect() {  # expect <series regex>
  grep -Eq "^$1" "$dir/metrics" || { echo "missing on /metrics: $1"; missing=1; }
}
expect 'pg_up 1'
expect 'pg_exporter_last_scrape_error 0'
expect 'workitem_items_count\{.*queue="invoices".*state="offered".*\} 1'
expect 'workitem_offered_items\{.*queue="invoices".*\} 1'
expect 'workitem_offered_oldest_age_seconds\{.*queue="invoices"'
expect 'workitem_overdue_items\{.*queue="invoices".*\} 1'
expect 'workitem_overdue_max_overdue_seconds\{.*queue="invoices"'
expect 'workitem_timer_last_tick_age_seconds\{'
expect 'workitem_timer_done_total\{'
expect 'workitem_event_partitions_ahead\{?.*\}? 2'
expect 'workitem_event_partitions_covered_seconds'
expect 'workitem_event_partitions_default_rows'
expect 'workitem_event_consumer_events_behind\{.*consumer="billing"'
if grep -Eiq 'level=(error|warn)' "$dir/exporter.log"; then
  grep -Ei 'level=(error|warn)' "$dir/exporter.log" | head -5; missing=1
fi
[ "$missing" -eq 0 ] || { grep '^workitem_\|^pg_up\|scrape_error' "$dir/metrics" | head -40; exit 1; }
echo "database and exporter: every figure present"
