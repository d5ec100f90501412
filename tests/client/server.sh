#!/usr/bin/env bash
# A private PostgreSQL 15 for the client's tests: a temporary cluster on a free loopback port,
# run by the server user, with the installed workitem extension in database workitem_client.
#   server.sh start <dir>   initdb + start; prints the DSN and writes it to <dir>/dsn
#   server.sh bouncer <dir> starts a pgbouncer (transaction pooling, 4 server sessions handed out
#                           round robin) in front of the server started in <dir>, as its own
#                           login role wi_bouncer (a superuser, like the tests' direct DSN);
#                           prints its DSN, writes it to <dir>/bouncer-dsn, the password to
#                           <dir>/bouncer/pgpass (for PGPASSFILE)
#   server.sh stop <dir>    stops the pgbouncer and the server started in <dir> (by their pids)
source "$(dirname "$0")/../../scripts/lib.sh"

command=$1
dir=$2
data="$dir/pgdata"


case "$command" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown "$(server_user)" "$dir"
  as_server_user "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_server_user tee -a "$data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 120
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
# Preloaded, as in production: the extension's timer settings exist only at server start.
shared_preload_libraries = 'workitem'
workitem.database = 'workitem_client'
CONF
  # Another process may take the port between the probe and the bind: then another port.
  for attempt in 1 2 3 4 5; do
    port=$(free_port 55500 55999)
    if as_server_user "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -o "-p $port" -w -t 60 \
         start >/dev/null; then
      break
    fi
    grep -q "could not bind\|could not create any TCP/IP sockets" "$dir/server.log" && [ "$attempt" -lt 5 ] ||
      exit 1
  done
  dsn="postgresql://postgres@127.0.0.1:$port/workitem_client"
  as_server_user "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
    -c 'CREATE DATABASE workitem_client' >/dev/null
  as_server_user "$PG_BIN/psql" "$dsn" -qAt -v ON_ERROR_STOP=1 \
    -c 'SET client_min_messages = error' -c 'CREATE EXTENSION workitem' >/dev/null
  echo "$dsn" >"$dir/dsn"
  echo "$dsn"
  ;;
bouncer)
  dsn=$(cat "$dir/dsn")
  port=${dsn#*127.0.0.1:}
  port=${port%%/*}
  as_server_user "$PG_BIN/psql" "$dsn" -qAt -v ON_ERROR_STOP=1 \
    -c 'CREATE ROLE wi_bouncer LOGIN SUPERUSER' >/dev/null
  # Round robin: consecutive transactions of one client land on other server sessions, which is
  # what a busy pooler does to them anyway.
  bouncer_dsn=$(PGBOUNCER_ROUND_ROBIN=1 bash "$(dirname "$0")/../load/pgbouncer.sh" start \
    "$dir/bouncer" "$port" workitem_client wi_bouncer 100 4)
  echo "$bouncer_dsn" >"$dir/bouncer-dsn"
  echo "$bouncer_dsn"
  ;;
stop)
  [ ! -d "$dir/bouncer" ] || bash "$(dirname "$0")/../load/pgbouncer.sh" stop "$dir/bouncer"
  if [ -f "$data/postmaster.pid" ]; then
    as_server_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  ;;
*)
  echo "usage: $0 start|bouncer|stop <dir>" >&2
  exit 2
  ;;
esac
