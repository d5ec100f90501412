#!/bin/sh
# The gateway's and the relay's entrypoint: libpq reads a password only from a passfile that
# only its reader may read (mode 0600), and a mounted secret's owner and mode are the
# orchestrator's. So the password named by WORKITEM_DB_PASSWORD_FILE is copied into a private
# passfile of this process (in a tmpfs where one is mounted), and PGPASSFILE names it. The
# password is never printed or put in the environment. Passwords must not hold ':' or '\'.
set -eu
if [ -n "${WORKITEM_DB_PASSWORD_FILE:-}" ]; then
  umask 077
  passfile=$(mktemp "${TMPDIR:-/tmp}/pgpass.XXXXXX")
  printf '*:*:*:*:%s\n' "$(tr -d '\n' <"$WORKITEM_DB_PASSWORD_FILE")" >"$passfile"
  export PGPASSFILE="$passfile"
fi
exec "$@"
