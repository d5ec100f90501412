# Temporary PostgreSQL clusters for the event-delivery tests (soak, replication): started as the
# server user on a free loopback port under a directory given by the test, stopped by the test.
# Bash, sourced after scripts/lib.sh (PG_BIN, as_server_user, log, free_port).

# cluster_start <data dir> <port> [setting=value...]: initdb (as the server user) and start.
cluster_start() {
  local data=$1 port=$2; shift 2
  mkdir -p "$(dirname "$data")"
  as_server_user "$PG_BIN/initdb" -D "$data" -A trust -U postgres --no-sync >/dev/null
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$(dirname "$data")'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "max_connections = 40"
    for setting in "$@"; do echo "$setting"; done
  } >>"$data/postgresql.conf"
  as_server_user "$PG_BIN/pg_ctl" -D "$data" -l "$data.log" -w start >/dev/null
}

# cluster_stop <data dir>: fast shutdown of a cluster this test started.
cluster_stop() {
  [ -f "$1/postmaster.pid" ] || return 0
  as_server_user "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null || true
}

# sql <port> <database> <psql args...>: psql as the superuser, quiet, stopping at the first error.
sql() {
  local port=$1 db=$2; shift 2
  as_server_user "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"
}

# expect <description> <actual> <expected>: records one check; the caller counts failures.
checks_passed=0
checks_failed=0
expect() {
  if [ "$2" = "$3" ]; then
    checks_passed=$((checks_passed + 1)); echo "ok - $1"
  else
    checks_failed=$((checks_failed + 1)); echo "not ok - $1: got '$2', expected '$3'"
  fi
}
