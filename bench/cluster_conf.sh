# bench/cluster_conf.sh, sourced by bench/cluster.sh (bench/run, people, timers, events, client)
# and by bench/ab: the postgresql.conf settings of every benchmark cluster, in one place, so that
# clusters started by different commands measure under the same settings.
#
# bench_cluster_conf PORT SOCKET_DIR SYNC_COMMIT: prints the lines to append to postgresql.conf.
#
# Settings for a 2-core, 24 GiB machine; every commit is durable (synchronous_commit = on unless
# the caller asks for off) and no checkpoint falls inside a measurement (the scripts checkpoint
# before each one themselves). Documented in bench/README.md.
bench_cluster_conf() {
  local port=$1 socket_dir=$2 sync_commit=$3
  cat <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 200
shared_buffers = 1GB
effective_cache_size = 16GB
work_mem = 16MB
maintenance_work_mem = 512MB
wal_buffers = 64MB
max_wal_size = 32GB
min_wal_size = 2GB
checkpoint_timeout = 60min
checkpoint_completion_target = 0.9
synchronous_commit = $sync_commit
fsync = on
full_page_writes = on
random_page_cost = 1.1
effective_io_concurrency = 200
jit = off
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
autovacuum = on
autovacuum_naptime = 10s
autovacuum_vacuum_cost_limit = 2000
timezone = 'UTC'
log_checkpoints = on
CONF
}
