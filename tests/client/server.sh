#!/usr/bin/env bash
# A private PostgreSQL 15 for the client's tests: a temporary cluster on a free loopback port,
# run by the server user, with the installed workitem extension in database workitem_client.
#   server.sh start <dir>   initdb + start; prints the DSN and writes it to <dir>/dsn
#   server.sh stop <dir>    stops the server started in <dir> (pg_ctl, by its data directory)
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
stop)
  if [ -f "$data/postmaster.pid" ]; then
    as_server_user "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  ;;
*)
  echo "usage: $0 start|stop <dir>" >&2
  exit 2
  ;;
esac
