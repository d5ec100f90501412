#!/usr/bin/env bash
# docs/sql-reference.md is what tools/sql_reference.py writes from a fresh install's catalog, and
# every function, table and view of the extension has a COMMENT ON (docs/architecture.md, "Where
# each kind of change goes"). The extension must be installed (make install).
#   tests/docs/sql_reference.sh [source dir] [work dir]
# Prints "sql-reference: N passed, N failed". To regenerate the file after changing a comment:
#   tools/sql_reference.py <psql> <dsn> > docs/sql-reference.md
source "$(dirname "$0")/../../scripts/lib.sh"

SRC=${1:-$WORKITEM_ROOT}
WORK=${2:-$(mktemp -d /tmp/workitem-sqlref.XXXXXX)}
mkdir -p "$WORK" && chmod 755 "$WORK"
SERVER="$WORK/sql-reference-server"
trap 'bash "$SRC/tests/client/server.sh" stop "$SERVER" >/dev/null 2>&1 || true' EXIT

if DSN=$(bash "$SRC/tests/client/server.sh" start "$SERVER") &&
   python3 "$SRC/tools/sql_reference.py" "$PG_BIN/psql" "$DSN" --check "$SRC/docs/sql-reference.md"; then
  echo "sql-reference: 1 passed, 0 failed"
else
  echo "sql-reference: 0 passed, 1 failed"
  exit 1
fi
