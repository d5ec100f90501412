#!/usr/bin/env bash
# `workitem work` with a tiny shell command as the handler, in a fresh database: exit 0 completes
# with the command's stdout (JSON; empty: null), another exit fails with {"exit_code", "stderr"},
# output that is not JSON fails the item, and SIGTERM lets the running command finish.
#   cli_work.sh <workitem binary>
set -uo pipefail
cli=$1
[ -n "${WORKITEM_TEST_DSN:-}" ] || { echo "WORKITEM_TEST_DSN is not set: skipped"; exit 0; }

database="cli_work_$$"
admin_dsn="${WORKITEM_TEST_DSN%/*}/postgres"
export WORKITEM_DSN="${WORKITEM_TEST_DSN%/*}/$database"
on_admin() { printf '%s\n' "$1" | psql "$admin_dsn" -qAt -v ON_ERROR_STOP=1 -v name="$database" >/dev/null; }
on_admin 'CREATE DATABASE :"name"' || exit 1
scratch=$(mktemp -d)
worker=
cleanup() {
  [ -z "$worker" ] || kill -KILL "$worker" 2>/dev/null
  rm -rf "$scratch"
  on_admin 'DROP DATABASE IF EXISTS :"name" WITH (FORCE)'
}
trap cleanup EXIT
psql "$WORKITEM_DSN" -qAt -c 'SET client_min_messages = error' -c 'CREATE EXTENSION workitem' >/dev/null || exit 1

failures=0
check() {  # check <what> <expected> <actual>
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: expected $2, got $3"; failures=$((failures + 1)); fi
}
# Waits up to 15 s until `workitem count --queue jobs $2` prints $1.
wait_count() {
  for _ in $(seq 150); do [ "$("$cli" count --queue jobs "${@:2}")" = "$1" ] && return 0; sleep 0.1; done
  return 1
}

cat >"$scratch/handler.sh" <<'HANDLER'
case "$(jq -r .input.kind)" in
  ok)    echo '{"done": true}' ;;
  empty) ;;
  text)  echo 'not json' ;;
  fail)  echo 'first line' >&2; echo 'it went wrong' >&2; exit 3 ;;
  slow)  sleep 1.5; echo '{"slow": true}' ;;
esac
HANDLER

"$cli" put-user ann --group clerks >/dev/null
create() { "$cli" create --workflow "wf-$1" --task Job --queue jobs --group clerks --input "{\"kind\": \"$1\"}" --json | jq -r .id; }
ok=$(create ok); empty=$(create empty); text=$(create text); fail=$(create fail)

"$cli" work --actor ann --queue jobs --concurrency 2 --lease-seconds 30 -- bash "$scratch/handler.sh" \
  2>"$scratch/stderr" &
worker=$!
wait_count 2 --state completed || echo "FAILED: the items were not all done"
wait_count 2 --state failed || echo "FAILED: the items were not all done"

get() { "$cli" get "$1" --json | jq -c "$2"; }
check "exit 0 completes with stdout" '["completed",{"done":true}]' "$(get "$ok" '[.state, .output]')"
check "empty stdout completes with null" '["completed",null]' "$(get "$empty" '[.state, .output]')"
check "a non-zero exit fails with exit code and stderr" \
  '["failed",{"exit_code":3,"stderr":"first line\nit went wrong\n"}]' "$(get "$fail" '[.state, .fault]')"
check "stdout that is not JSON fails the item" '["failed","the command'"'"'s standard output is not JSON"]' \
  "$(get "$text" '[.state, .fault.error]')"

# A stop while a command runs: the command finishes and its item is completed.
slow=$(create slow)
wait_count 1 --state allocated || echo "FAILED: the slow item was not claimed"
sleep 0.3
kill -TERM "$worker"
wait "$worker"
check "SIGTERM stops with exit 0" 0 $?
worker=
check "the running command finished" '["completed",{"slow":true}]' "$(get "$slow" '[.state, .output]')"
check "the summary" "workitem: 3 completed, 2 failed, 0 released, 0 refused" "$(tail -n 1 "$scratch/stderr")"

[ "$failures" -eq 0 ] && echo "workitem work: all checks passed"
