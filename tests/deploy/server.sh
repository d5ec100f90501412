# Sourced by database_test.sh and stack_test.sh: a PostgreSQL 15 on loopback made as the
# PostgreSQL image makes it (deploy/containers/postgres/): workitem.conf appended to its
# configuration, the init script run as the official entrypoint runs it, one password file per
# service login. Needs scripts/lib.sh sourced (PG_BIN, as_server_user).
#   deploy_server_start <root> <dir>   sets DEPLOY_PG_PORT; passwords in <dir>/<name>-password
#   deploy_server_stop <dir>
#   deploy_psql <dir> <psql args...>   as the superuser, in database workitem
# (free_port, a free TCP port on 127.0.0.1, is scripts/lib.sh's.)

deploy_psql() {
  local dir=$1; shift
  as_server_user env PGHOST="$dir" PGPORT="$DEPLOY_PG_PORT" "$PG_BIN/psql" -U postgres -d workitem \
    -qAtX -v ON_ERROR_STOP=1 "$@"
}

deploy_server_start() {
  local root=$1 dir=$2
  chmod 755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown "$(server_user)" "$dir"
  DEPLOY_PG_PORT=$(free_port)
  as_server_user "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  { cat "$root/deploy/containers/postgres/workitem.conf"
    printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
      "$DEPLOY_PG_PORT" "$dir"
  } | as_server_user tee -a "$dir/data/postgresql.conf" >/dev/null
  as_server_user "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
  as_server_user env PGHOST="$dir" PGPORT="$DEPLOY_PG_PORT" "$PG_BIN/createdb" -U postgres workitem
  for name in gateway relay exporter; do
    (umask 022 && openssl rand -hex 16 >"$dir/$name-password")
  done
  if ! as_server_user env PGHOST="$dir" PGPORT="$DEPLOY_PG_PORT" PATH="$PG_BIN:$PATH" \
      POSTGRES_USER=postgres POSTGRES_DB=workitem \
      WORKITEM_GATEWAY_PASSWORD_FILE="$dir/gateway-password" \
      WORKITEM_RELAY_PASSWORD_FILE="$dir/relay-password" \
      WORKITEM_EXPORTER_PASSWORD_FILE="$dir/exporter-password" \
      bash "$root/deploy/containers/postgres/initdb/10-workitem.sh" >"$dir/init.log" 2>&1; then
    cat "$dir/init.log"; return 1
  fi
}

deploy_server_stop() {
  as_server_user "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1 || true
}
