#!/usr/bin/env bash
# Runs every SQL and shell example of README.md and docs/*.md against a fresh server, so that a
# doc example cannot rot (docs/architecture.md, "Where each kind of change goes").
#   tests/docs/run_snippets.sh [source dir] [work dir] [file.md...]
# Per markdown file, in order: one fresh database with the extension, where
#   ```sql                    runs in psql, one session per file as if the blocks were pasted
#                             into it in order (variables, settings carry over); a block fails
#                             when psql prints an error;
#   ```sh, ```bash            runs with bash -e, with WORKITEM_DSN and PG* naming that database,
#                             `workitem` (the CLI) on PATH when WORKITEM_CLI_BIN names its bin
#                             directory, in a scratch directory whose .local/connection holds the
#                             DSN (as scripts/up leaves it), which is also their HOME;
#   ```console                the same, for the lines that start with "$ " (the rest is output).
# The line right before a block's fence may say
#   <!-- not run: <reason> -->         skip it (starts servers, installs packages, needs a second
#                                      machine...); the reason is required;
#   <!-- expect error: WI409 WI404 --> it must fail, showing each code listed, and nothing else:
#                                      SQL runs every statement and must raise exactly these errors,
#                                      a shell block must exit non-zero with each code in its output.
# Prints one line per failing block (file:line: the error) and last
# "docs-snippets: N passed, N failed". The server is tests/client/server.sh's, run from
# WORKITEM_PG_BIN (scripts/lib.sh).
source "$(dirname "$0")/../../scripts/lib.sh"

SRC=${1:-$WORKITEM_ROOT}
WORK=${2:-}
shift $(($# < 2 ? $# : 2))
OWN_WORK=
if [ -z "$WORK" ]; then
  WORK=$(mktemp -d /tmp/workitem-docs.XXXXXX)
  OWN_WORK=yes
fi
mkdir -p "$WORK"
chmod 755 "$WORK"
SERVER="$WORK/docs-server"
cleanup() {
  bash "$SRC/tests/client/server.sh" stop "$SERVER" || true
  [ -z "$OWN_WORK" ] || rm -rf "$WORK"
}
trap cleanup EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=("$SRC/README.md")
  for f in "$SRC"/docs/*.md; do files+=("$f"); done
fi
# The CLI named by WORKITEM_CLI_BIN, never an older one found elsewhere on PATH. Without it, a
# block that calls the CLI fails with this message rather than "command not found".
if [ -n "${WORKITEM_CLI_BIN:-}" ] && [ -x "$WORKITEM_CLI_BIN/workitem" ]; then
  PATH="$WORKITEM_CLI_BIN:$PATH"
elif [ -n "${WORKITEM_CLI_BIN:-}" ] || ! command -v workitem >/dev/null; then
  workitem() {
    echo "workitem: the CLI is not built (no workitem in WORKITEM_CLI_BIN=${WORKITEM_CLI_BIN:-})" >&2
    return 127
  }
  export -f workitem
fi

passed=0
failed=0
not_run=0
fail() {  # fail <file:line> <message>
  echo "$1: $2"
  failed=$((failed + 1))
}

rm -rf "$SERVER"
if ! DSN=$(bash "$SRC/tests/client/server.sh" start "$SERVER" 2>"$WORK/server-start.log"); then
  cat "$WORK/server-start.log" "$SERVER/server.log" 2>/dev/null | tail -20
  echo "docs-snippets: 0 passed, 1 failed"
  exit 1
fi
HOSTPORT=${DSN#postgresql://postgres@}
HOSTPORT=${HOSTPORT%%/*}
export PGHOST=${HOSTPORT%:*} PGPORT=${HOSTPORT#*:} PGUSER=postgres
admin_psql() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -qAt -v ON_ERROR_STOP=1 -d "${2:-postgres}" -c "$1"; }

# The SQL blocks of a file run in one psql session, as if pasted into it one after the other:
# psql variables (\gset), settings and \set VERBOSITY carry over from block to block. A block's
# output is what psql prints up to the marker echoed after it; an error is a line below.
SQL_ERROR='^(psql:[^ ]*:[0-9]+: )?(ERROR|FATAL|error):'
session_pid=
start_session() {  # start_session <dir> <dsn>
  coproc PSQL { cd "$1" && exec env HOME="$1" "$PG_BIN/psql" -X -v ON_ERROR_STOP=0 -d "$2" 2>&1; }
  session_pid=$PSQL_PID
}
end_session() {
  [ -n "$session_pid" ] || return 0
  local fd=${PSQL[1]:-} tries=0
  [ -z "$fd" ] || exec {fd}>&-  # psql ends at the end of its input
  while kill -0 "$session_pid" 2>/dev/null && [ $((tries += 1)) -le 100 ]; do sleep 0.05; done
  kill "$session_pid" 2>/dev/null || true
  session_pid=
}
run_sql_block() {  # run_sql_block <k> <body> <out>: 0, or 1 when the session ended or hung
  : >"$3"
  if [ -z "$session_pid" ] || ! kill -0 "$session_pid" 2>/dev/null; then
    echo "ERROR: the psql session of this file ended before this block" >"$3"; return 1
  fi
  { cat "$2"; printf '\n\\echo @@end-of-block-%s\n' "$1"; } >&"${PSQL[1]}"
  local line
  while IFS= read -r -t 120 line <&"${PSQL[0]}"; do
    [ "$line" != "@@end-of-block-$1" ] || return 0
    printf '%s\n' "$line" >>"$3"
  done
  echo "ERROR: no end of block from psql within 120 s (an unfinished statement or \\if?)" >>"$3"
  end_session
  return 1
}
trap 'end_session; cleanup' EXIT

n=0
for file in "${files[@]}"; do
  rel=${file#"$SRC"/}
  n=$((n + 1))
  db="docs_$n"
  admin_psql "DROP DATABASE IF EXISTS $db" >/dev/null
  admin_psql "CREATE DATABASE $db" >/dev/null
  admin_psql "SET client_min_messages = error; CREATE EXTENSION workitem" "$db" >/dev/null
  scratch="$WORK/scratch-$n"
  rm -rf "$scratch" "$WORK/blocks-$n"
  mkdir -p "$scratch/.local" "$WORK/blocks-$n"
  dsn="postgresql://postgres@$PGHOST:$PGPORT/$db"
  echo "$dsn" >"$scratch/.local/connection"

  # Split the file into blocks: blocks-N/<k>.body and a line "k<TAB>lang<TAB>line<TAB>marker".
  awk -v dir="$WORK/blocks-$n" '
    other { if ($0 ~ /^```[[:space:]]*$/) other = 0; next }
    inblock && /^```[[:space:]]*$/ { inblock = 0; close(body); prev = ""; next }
    inblock { print > body; next }
    /^```(sql|sh|bash|console)[[:space:]]*$/ {
      k++; lang = substr($0, 4); sub(/[[:space:]]+$/, "", lang)
      printf "%d\t%s\t%d\t%s\n", k, lang, NR, prev > (dir "/index")
      body = dir "/" k ".body"; printf "" > body; inblock = 1; next
    }
    /^```/ { other = 1; prev = ""; next }
    /^[[:space:]]*$/ { next }
    { prev = $0 }
' "$file"
  [ -f "$WORK/blocks-$n/index" ] || continue
  end_session
  start_session "$scratch" "$dsn"

  while IFS=$'\t' read -r k lang line marker; do
    where="$rel:$line"
    body="$WORK/blocks-$n/$k.body"
    out="$WORK/blocks-$n/$k.out"
    expect=
    case "$marker" in
      '<!-- not run:'*)
        reason=${marker#<!-- not run:}; reason=${reason%-->}
        if [ -z "${reason// /}" ]; then fail "$where" "'not run' needs a reason"; else not_run=$((not_run + 1)); fi
        continue ;;
      '<!-- expect error:'*)
        expect=${marker#<!-- expect error:}; expect=${expect%-->} ;;
      '<!--'*)
        fail "$where" "unknown marker: $marker"; continue ;;
    esac

    status=0
    if [ "$lang" = sql ]; then
      run_sql_block "$k" "$body" "$out" || status=$?
    else
      script="$body"
      if [ "$lang" = console ]; then
        script="$body.sh"
        sed -n 's/^\$ //p' "$body" >"$script"
      fi
      (cd "$scratch" && HOME="$scratch" WORKITEM_DSN="$dsn" PGDATABASE="$db" timeout 120 bash -e "$script") \
        >"$out" 2>&1 </dev/null || status=$?
    fi

    if [ -z "$expect" ]; then
      if [ "$lang" = sql ] && [ "$status" -eq 0 ] && grep -qE "$SQL_ERROR" "$out"; then status=1; fi
      if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
      else
        fail "$where" "$(grep -m1 -E 'ERROR|error|rror:|not found|No such' "$out" || tail -n 1 "$out") (exit $status)"
      fi
      continue
    fi
    missing=()
    for code in $expect; do grep -q "$code" "$out" || missing+=("$code"); done
    if [ ${#missing[@]} -gt 0 ]; then
      fail "$where" "expected ${missing[*]}, got: $(grep -m1 -E 'ERROR|rror' "$out" || echo "no error (exit $status)")"
    elif [ "$lang" = sql ] && [ "$(grep -cE "$SQL_ERROR" "$out")" -ne "$(wc -w <<<"$expect")" ]; then
      fail "$where" "expected only $expect, got: $(grep -E "$SQL_ERROR" "$out" | tr '\n' ' ')"
    elif [ "$lang" != sql ] && [ "$status" -eq 0 ]; then
      fail "$where" "expected a failure ($expect), but it exited 0"
    else
      passed=$((passed + 1))
    fi
  done <"$WORK/blocks-$n/index"
  end_session
done

echo "docs-snippets: $not_run blocks not run (marked)"
echo "docs-snippets: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
