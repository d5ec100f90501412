#!/usr/bin/env bash
# Golden-output test of the workitem CLI: runs every line of golden/commands.txt against a fresh
# database (so ids are always the same) and compares what it printed, and its exit codes, with
# golden/expected.txt. Timestamps are replaced by <time>, event ids by <uuid>.
#   cli_golden.sh <workitem binary> <golden dir> [--update]
set -uo pipefail
cli=$1
golden=$2
update=${3:-}
[ -n "${WORKITEM_TEST_DSN:-}" ] || { echo "WORKITEM_TEST_DSN is not set: skipped"; exit 0; }

database="cli_golden_$$"
admin_dsn="${WORKITEM_TEST_DSN%/*}/postgres"
export WORKITEM_DSN="${WORKITEM_TEST_DSN%/*}/$database"
# The name reaches SQL as a psql variable quoted as an identifier (:"name"), never spliced in;
# psql interpolates variables in what it reads, not in -c.
on_admin() { printf '%s\n' "$1" | psql "$admin_dsn" -qAt -v ON_ERROR_STOP=1 -v name="$database" >/dev/null; }
on_admin 'CREATE DATABASE :"name"' || exit 1
trap 'on_admin "DROP DATABASE IF EXISTS :\"name\""' EXIT
psql "$WORKITEM_DSN" -qAt -c 'SET client_min_messages = error' -c 'CREATE EXTENSION workitem' >/dev/null || exit 1

actual=$(mktemp)
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  echo "\$ workitem $line"
  eval "\"$cli\" $line" 2>&1
  echo "[exit $?]"
done <"$golden/commands.txt" |
  sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|\+00:00)/<time>/g' \
        -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' >"$actual"

if [ "$update" = "--update" ]; then
  cp "$actual" "$golden/expected.txt"
  echo "updated $golden/expected.txt"
  exit 0
fi
if diff -u "$golden/expected.txt" "$actual"; then
  echo "CLI output matches $golden/expected.txt"
else
  echo "CLI output differs from $golden/expected.txt (run cli_golden.sh ... --update, then review the diff)"
  exit 1
fi
