#!/usr/bin/env bash
# A private workitem-gateway for the load test's gateway path (docs/load.md): HTTP on a free
# loopback port, straight to the run's PostgreSQL (no pgbouncer: the gateway pools its own
# connections), HS256 tokens signed with a random secret of its own that the driver mints the
# simulated users' tokens with. No rate limit: the load is the system's, not one abusive caller.
# The request log (a JSON line per request) goes to <dir>/gateway.log.
#   gateway.sh start <dir> <gateway binary> <dsn> <database connections>
#       prints the gateway's URL; <dir>/jwt-secret holds the secret (mode 600), and the issuer
#       and audience are workitem-load and workitem
#   gateway.sh stop <dir>     stops the gateway started in <dir> (SIGTERM, by its pid)
source "$(dirname "$0")/../../scripts/lib.sh"

command=$1
dir=$2

case "$command" in
start)
  binary=$3 dsn=$4 connections=$5
  mkdir -p "$dir"
  (umask 077; od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$dir/jwt-secret")
  WORKITEM_GATEWAY_DSN="$dsn" "$binary" --listen-address 127.0.0.1 --port 0 \
    --db-pool-size "$connections" --io-threads 2 \
    --rate-limit-per-second 0 --tenant-rate-limit-per-second 0 \
    --jwt-algorithm HS256 --jwt-secret-file "$dir/jwt-secret" \
    --jwt-issuer workitem-load --jwt-audience workitem >"$dir/gateway.log" 2>&1 &
  echo $! >"$dir/gateway.pid"
  port=
  for _ in $(seq 1 300); do
    port=$(jq -r 'select(.msg == "listening") | .port' "$dir/gateway.log" 2>/dev/null | head -n1)
    [ -n "$port" ] && break
    kill -0 "$(cat "$dir/gateway.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    tail -n 20 "$dir/gateway.log" >&2
    exit 1
  fi
  echo "http://127.0.0.1:$port"
  ;;
stop)
  if [ -s "$dir/gateway.pid" ]; then
    pid=$(cat "$dir/gateway.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -f "$dir/gateway.pid"
  fi
  ;;
*)
  echo "usage: $0 start <dir> <gateway binary> <dsn> <database connections> | stop <dir>" >&2
  exit 2
  ;;
esac
