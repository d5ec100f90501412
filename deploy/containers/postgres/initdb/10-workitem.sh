#!/usr/bin/env bash
# Run once by the official image's entrypoint on a new data directory: creates the extension in
# POSTGRES_DB and one login per service, each granted only what it needs (docs/deployment.md):
#   workitem_gateway, workitem_relay: workitem_service (docs/security.md)
#   workitem_exporter:                workitem_service and pg_monitor (the monitoring views),
#                                     in the tenant WORKITEM_EXPORTER_TENANT (default: default)
# Each password is read from the file WORKITEM_<NAME>_PASSWORD_FILE names; a login whose file is
# not given is not created. Passwords are never echoed.
set -euo pipefail

psql_db() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" "$@"; }

psql_db -c 'CREATE EXTENSION IF NOT EXISTS workitem'

create_login() {  # create_login <role> <password file> <grants...>
  local role=$1 file=$2; shift 2
  [ -n "$file" ] && [ -r "$file" ] || { echo "workitem: no password file for $role, skipped"; return 0; }
  # The password goes from the file into a psql variable, never through a command line.
  psql_db -q -v role="$role" -v file="$file" <<'SQL'
\set password `tr -d '\n' < :'file'`
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SQL
  for grant in "$@"; do psql_db -q -c "GRANT $grant TO $role"; done
}

create_login workitem_gateway "${WORKITEM_GATEWAY_PASSWORD_FILE:-}" workitem_service
create_login workitem_relay "${WORKITEM_RELAY_PASSWORD_FILE:-}" workitem_service
create_login workitem_exporter "${WORKITEM_EXPORTER_PASSWORD_FILE:-}" workitem_service pg_monitor
# The monitoring views show the session's tenant (workitem.tenant; docs/operations.md, Tenants):
# the exporter reads WORKITEM_EXPORTER_TENANT's (default: default).
if psql_db -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'workitem_exporter'" | grep -q 1; then
  psql_db -q -v tenant="${WORKITEM_EXPORTER_TENANT:-default}" <<'SQL'
SELECT format('ALTER ROLE workitem_exporter IN DATABASE %I SET workitem.tenant = %L',
              current_database(), :'tenant') \gexec
SQL
fi
