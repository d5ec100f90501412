# bench/cluster.sh, sourced by bench/run, bench/people, bench/timers, bench/events and bench/client
# after scripts/lib.sh: builds and installs the extension, starts a private PostgreSQL 15 cluster
# from a private copy of the installation in a temporary directory (127.0.0.1 only), defines
# psql_bench, and stops and removes it all on exit whatever happens. Expects PORT (empty: a free
# one), SYNC_COMMIT and DB to be set; CLUSTER_SETTINGS, if set, holds more postgresql.conf lines
# (they come last, so they win).
# ------------------------------------------------------------------------------------------------
# A private working directory and cluster, removed / stopped on exit whatever happens
# ------------------------------------------------------------------------------------------------
SERVER_BIN="$PG_BIN"
WORK=$(mktemp -d /tmp/workitem-bench.XXXXXX)
DATA="$WORK/data"
chmod 700 "$WORK"
[ "$(id -u)" -eq 0 ] && chown postgres: "$WORK"

server_running() { [ -f "$DATA/postmaster.pid" ]; }
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if server_running; then
    if [ $status -ne 0 ] && [ -f "$WORK/server.log" ]; then
      echo "---- last lines of the server log ----" >&2
      tail -n 30 "$WORK/server.log" >&2 || true
    fi
    log "stopping the benchmark cluster"
    if ! as_server_user "$SERVER_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1; then
      local pid
      pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------------------------
# Packages, build, install
# ------------------------------------------------------------------------------------------------
ensure_packages "${BUILD_PACKAGES[@]}" python3 gnuplot-nox
build_and_install_extension
# The cluster runs from a private copy of the PostgreSQL 15 installation taken right after the
# install (PostgreSQL finds its share and lib directories relative to its binaries), so that
# another `make install` during the run cannot swap the library under the measurement.
PRIVATE_PG="$WORK/pg"
mkdir -p "$PRIVATE_PG/usr/lib/postgresql/15" "$PRIVATE_PG/usr/share/postgresql"
cp -a "$PG_BIN" "$(dirname "$PG_BIN")/lib" "$PRIVATE_PG/usr/lib/postgresql/15/"
rm -rf "$PRIVATE_PG/usr/lib/postgresql/15/lib/bitcode"
cp -a "$("$PG_CONFIG" --sharedir)" "$PRIVATE_PG/usr/share/postgresql/"
SERVER_BIN="$PRIVATE_PG/usr/lib/postgresql/15/bin"
if ! cmp -s "$WORKITEM_ROOT/workitem.so" "$PRIVATE_PG/usr/lib/postgresql/15/lib/workitem.so"; then
  echo "$(basename "$0"): the installed workitem.so is not the one just built (a concurrent build?)" >&2
  exit 1
fi
PGBENCH="$SERVER_BIN/pgbench"
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$PRIVATE_PG"

port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "$PORT" ]; then
  PORT=54400
  while port_in_use "$PORT"; do
    PORT=$((PORT + 1))
    [ "$PORT" -lt 54500 ] || { echo "$(basename "$0"): no free port in 54400-54499" >&2; exit 1; }
  done
elif port_in_use "$PORT"; then
  echo "$(basename "$0"): port $PORT is in use" >&2
  exit 1
fi

PGPASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
export PGPASSWORD
printf '%s\n' "$PGPASSWORD" >"$WORK/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres: "$WORK/pwfile"

log "creating a private PostgreSQL 15 cluster in $DATA (127.0.0.1:$PORT)"
as_server_user "$SERVER_BIN/initdb" -D "$DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
  --pwfile="$WORK/pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
rm -f "$WORK/pwfile"
# The settings every benchmark cluster runs with (bench/cluster_conf.sh, shared with bench/ab),
# then the caller's CLUSTER_SETTINGS (they come last, so they win).
source "$(dirname "${BASH_SOURCE[0]}")/cluster_conf.sh"
{
  echo "# ---- $(basename "$0") ----"
  bench_cluster_conf "$PORT" "$WORK" "$SYNC_COMMIT"
  echo "${CLUSTER_SETTINGS:-}"
} | as_server_user tee -a "$DATA/postgresql.conf" >/dev/null
as_server_user "$SERVER_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 start >/dev/null

psql_bench() {
  "$SERVER_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d "$DB" -X -v ON_ERROR_STOP=1 -qAt "$@"
}
