#!/usr/bin/env bash
# The CLI never prints a connection string's password: not when the string is malformed, not
# when the connection fails. --dsn with a password warns that the process list shows it, and
# the CLI overwrites it there; $WORKITEM_DSN does not warn. Needs no server (a closed port, and
# a socket that accepts and never answers).
#   cli_secrets.sh <workitem binary>
set -uo pipefail
cli=$1
failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run <secret> <expect warning: yes|no> <workitem arguments...>: stdout and stderr in $out
run() {
  local secret=$1 warn=$2
  shift 2
  "$cli" "$@" >"$out" 2>&1
  if grep -qF -- "$secret" "$out"; then fail "the output of '$*' shows '$secret':"; cat "$out"; fi
  if [ "$warn" = yes ] && ! grep -q 'warning: .*--dsn .* password' "$out"; then
    fail "no warning about the password of '$*':"; cat "$out"
  fi
  if [ "$warn" = no ] && grep -q 'warning' "$out"; then fail "a warning for '$*':"; cat "$out"; fi
}

closed=127.0.0.1:1
# Malformed: libpq's own message quotes the token (invalid percent-encoded token: "pa%zzss").
run 'zzss' yes --dsn "postgresql://u:pa%zzss@$closed/db" get 1
grep -q 'malformed' "$out" || fail "no 'malformed' in: $(cat "$out")"
WORKITEM_DSN="postgresql://u:pa%zzss@$closed/db" run 'zzss' no get 1
run 'hunter2secret' yes --dsn "host=127.0.0.1 port=1 password=x hunter2secret" get 1
run 'zqxwvu' yes --dsn "postgresql://u:pa@zqxwvu@$closed/db" get 1
run 'leakypipe' yes "--dsn=postgresql://u:leakypipe/zqxwvu@$closed/db" get 1
# Well formed, but nothing listens: libpq's message names host and port, not the password.
run 'correcthorse' yes --dsn "postgresql://u:correcthorse@$closed/db" --timeout 1000 get 1
grep -q 'port 1' "$out" || fail "libpq's reason is missing: $(cat "$out")"
WORKITEM_DSN="postgresql://u:correcthorse@$closed/db" run 'correcthorse' no get 1
run 'nothing' no --dsn "postgresql://u@$closed/db" get 1

# The process list: a server that accepts and never answers keeps the CLI waiting.
if command -v python3 >/dev/null; then
  listener_out=$(mktemp)
  python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$listener_out" &
  listener=$!
  for _ in $(seq 50); do [ -s "$listener_out" ] && break; sleep 0.1; done
  port=$(cat "$listener_out")
  "$cli" --dsn "postgresql://u:maskedsecret@127.0.0.1:$port/db" get 1 >"$out" 2>&1 &
  waiting=$!
  for _ in $(seq 50); do grep -q warning "$out" && break; sleep 0.1; done
  cmdline=$(tr '\0' ' ' <"/proc/$waiting/cmdline" 2>/dev/null)
  case "$cmdline" in
    *maskedsecret*) fail "the process list shows the password: $cmdline" ;;
    *--dsn\ xxxx*) ;;
    *) fail "unexpected process list entry: '$cmdline'" ;;
  esac
  kill "$waiting" "$listener" 2>/dev/null
  wait "$waiting" "$listener" 2>/dev/null
  rm -f "$listener_out"
else
  echo "python3 is missing: the process-list check is skipped"
fi

[ "$failures" -eq 0 ] && echo "the CLI kept every password out of its output"
[ "$failures" -eq 0 ]
