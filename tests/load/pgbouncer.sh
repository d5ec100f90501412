#!/usr/bin/env bash
# A private pgbouncer for the load test: transaction pooling in front of one database, on a free
# loopback port, run by the server user from a directory of its own (its ini, its log, its pid).
# Clients log in with SCRAM as ROLE, whose random password is written to <dir>/userlist.txt for
# pgbouncer and to <dir>/pgpass for the clients (PGPASSFILE): never on a command line or in a log.
#   pgbouncer.sh start <dir> <server port> <database> <role> <max clients> <server connections>
#       prints the clients' DSN (without the password)
#   pgbouncer.sh stop <dir>     stops the pgbouncer started in <dir>, by its pid
# PGBOUNCER_ROUND_ROBIN=1 hands the server sessions out in turn instead of the last used first.
source "$(dirname "$0")/../../scripts/lib.sh"

command=$1
dir=$2

# A port nobody listens on, from a random start in 56000-56499.
listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$command" in
start)
  server_port=$3 database=$4 role=$5 max_clients=$6 server_connections=$7
  mkdir -p "$dir"
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077
   printf '"%s" "%s"\n' "$role" "$password" >"$dir/userlist.txt"
   printf '127.0.0.1:*:%s:%s:%s\n' "$database" "$role" "$password" >"$dir/pgpass")
  # Every client holds one connection, pgbouncer one per client and per server connection.
  files=$((max_clients + server_connections + 100))
  for attempt in 1 2 3 4 5; do
    port=$(free_port 56000 56499)
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
$database = host=127.0.0.1 port=$server_port dbname=$database

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = $max_clients
; every client may connect at the same moment
listen_backlog = $max_clients
default_pool_size = $server_connections
max_db_connections = $server_connections
reserve_pool_size = 0
server_round_robin = ${PGBOUNCER_ROUND_ROBIN:-0}
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
; libpq sends none of these by default; drivers of other languages do
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
INI
    [ "$(id -u)" -ne 0 ] || chown -R "$(server_user)" "$dir"
    rm -f "$dir/pgbouncer.pid"
    as_server_user bash -c 'ulimit -n "$1" && exec pgbouncer -q -d "$2"' _ "$files" \
      "$dir/pgbouncer.ini" || true
    for _ in $(seq 1 50); do
      listening "$port" && break
      sleep 0.1
    done
    if listening "$port" && [ -s "$dir/pgbouncer.pid" ]; then
      echo "postgresql://$role@127.0.0.1:$port/$database"
      exit 0
    fi
    [ "$attempt" -lt 5 ] || { tail -n 20 "$dir/pgbouncer.log" >&2; exit 1; }
  done
  ;;
stop)
  if [ -s "$dir/pgbouncer.pid" ]; then
    pid=$(cat "$dir/pgbouncer.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -f "$dir/pgbouncer.pid"
  fi
  ;;
*)
  echo "usage: $0 start <dir> <server port> <database> <role> <max clients> <server connections> | stop <dir>" >&2
  exit 2
  ;;
esac
