# Shared by scripts/up, scripts/down and scripts/test. Bash, sourced.
set -euo pipefail

WORKITEM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# WORKITEM_PG_BIN: another PostgreSQL 15 installation (a relocated copy, say) to build and run with.
PG_BIN=${WORKITEM_PG_BIN:-/usr/lib/postgresql/15/bin}
export PG_CONFIG=$PG_BIN/pg_config
[ -x "$PG_CONFIG" ] || PG_CONFIG=/usr/bin/pg_config

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The operating-system user that runs PostgreSQL: the server refuses root, so root uses `postgres`.
server_user() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A loopback port nobody listens on, in <first>-<last> (20000-39999 by default), probed from a
# random start so that suites starting servers at the same moment seldom pick the same one
# (callers retry when a bind fails).
free_port() {  # free_port [<first> <last>]
  local first=${1:-20000} last=${2:-39999}
  local size=$((last - first + 1)) offset=$((RANDOM % (last - first + 1))) i port
  for ((i = 0; i < size; i++)); do
    port=$((first + (offset + i) % size))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "no free port in $first-$last" >&2
  return 1
}

# Installs the Debian packages given that are not installed yet.
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

BUILD_PACKAGES=(make g++ postgresql-15 postgresql-server-dev-15 libfmt-dev nlohmann-json3-dev)
TEST_PACKAGES=(cmake libgtest-dev libgmock-dev clang-format postgresql-15-wal2json graphviz jq
  python3-jsonschema)
# libworkitem and the workitem CLI (client/).
CLIENT_PACKAGES=(cmake g++ pkg-config libpq-dev libcli11-dev libfmt-dev nlohmann-json3-dev)
# The REST gateway's own, beside the client's: Beast/Asio, libjwt, OpenSSL; curl and jq for the
# test of its process (tests/gateway/run).
GATEWAY_PACKAGES=(libboost1.81-dev libjwt-dev libssl-dev curl jq)
# workitem-relay's own (client/relay, docs/relay.md): yaml-cpp for its sinks file, libcurl and
# OpenSSL for the webhook sink and its signatures, libnats and librdkafka for the NATS JetStream
# and Kafka sinks; nats-server, python3 and jq for its tests' peers and checks (tests/relay/run;
# the Kafka test uses librdkafka's own mock cluster).
RELAY_PACKAGES=(libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libnats-dev librdkafka-dev nats-server python3
  jq curl)
MONITORING_PACKAGES=(prometheus prometheus-postgres-exporter python3-yaml)  # scripts/up
DEPLOY_PACKAGES=(prometheus prometheus-postgres-exporter yamllint python3-yaml python3-jsonschema curl openssl dpkg-dev fakeroot systemd)  # tests/deploy/run; kubectl (kustomize v5) is not a Debian package

build_and_install_extension() {
  log "building the extension"
  make -C "$WORKITEM_ROOT" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG"
  log "installing it into PostgreSQL 15"
  as_root make -C "$WORKITEM_ROOT" -s install PG_CONFIG="$PG_CONFIG"
}

# build_tasklist_page <source dir> <dir> <log>: the task inbox (client/tasklist, docs/tasklist.md)
# built in <dir> with its pinned toolchain (npm ci from the lock file, tsc, esbuild) into
# <dir>/dist, which the gateway serves under /ui/ (--ui-dir). Node.js 20 with npm: the machine's,
# else Debian's packages.
build_tasklist_page() {
  local src=$1 dir=$2 out=$3
  command -v npm >/dev/null || ensure_packages nodejs npm
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$src/client/tasklist" && cp -r package.json package-lock.json tsconfig.json build.mjs src "$dir/")
  (cd "$dir" && npm ci --no-audit --no-fund && ./node_modules/.bin/tsc --noEmit -p . && node build.mjs) \
    >"$out" 2>&1
}
