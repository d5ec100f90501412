#!/usr/bin/env bash
# Every parameter of every public workitem_* SQL function is reachable from the workitem CLI: the
# function's subcommand (below) shows an option or positional argument for it in its --help, or
# the parameter is listed under "not exposed" with the reason. A function or parameter added to
# the extension without either fails this test. The parameters are read from pg_proc.
#   cli_options.sh <workitem binary>
set -uo pipefail
cli=$1
[ -n "${WORKITEM_TEST_DSN:-}" ] || { echo "WORKITEM_TEST_DSN is not set: skipped"; exit 0; }

database="cli_options_$$"
admin_dsn="${WORKITEM_TEST_DSN%/*}/postgres"
dsn="${WORKITEM_TEST_DSN%/*}/$database"
on_admin() { printf '%s\n' "$1" | psql "$admin_dsn" -qAt -v ON_ERROR_STOP=1 -v name="$database" >/dev/null; }
on_admin 'CREATE DATABASE :"name"' || exit 1
trap 'on_admin "DROP DATABASE IF EXISTS :\"name\""' EXIT
psql "$dsn" -qAt -c 'SET client_min_messages = error' -c 'CREATE EXTENSION workitem' >/dev/null || exit 1

# The subcommand that calls each function (a batch form: the same subcommand with several ids).
declare -A command=(
  [workitem_create]=create [workitem_create_many]=create-many [workitem_get]=get
  [workitem_list]=list [workitem_count]=count [workitem_worklist]=worklist
  [workitem_history]=history [workitem_allowed_operations]=allowed-operations
  [workitem_claim]=claim [workitem_claim_next]=claim-next [workitem_acknowledge_and_claim_next]=acknowledge [workitem_allocate]=allocate
  [workitem_start]=start [workitem_stop]=stop [workitem_release]=release
  [workitem_delegate]=delegate [workitem_resolve]=resolve [workitem_forward]=forward
  [workitem_suspend]=suspend [workitem_resume]=resume [workitem_complete]=complete
  [workitem_fail]=fail [workitem_skip]=skip [workitem_cancel]=cancel
  [workitem_mark_error]=mark-error [workitem_heartbeat]=heartbeat [workitem_update]=update
  [workitem_save_output]=save-output [workitem_cancel_workflow]=cancel-workflow
  [workitem_put_user]=put-user [workitem_put_users]=put-users [workitem_get_user]="user show"
  [workitem_list_users]=users [workitem_list_groups]=groups [workitem_delete_user]="user remove"
  [workitem_consumer_create]="consumer create" [workitem_consumer_drop]="consumer drop"
  [workitem_next_batch]="consumer next" [workitem_finish_batch]="consumer finish"
  [workitem_consumer_rewind]="consumer rewind" [workitem_set_flag]=set-flag
  [workitem_set_lease_default]=set-lease-default
  [workitem_set_task_form]=set-task-form [workitem_task_form]=task-form
  [workitem_register_validator]=register-validator
  [workitem_unregister_validator]=unregister-validator
  [workitem_register_strategy]=register-strategy [workitem_tick]=tick
  [workitem_await_work]=work
  [workitem_index_field]=index-field [workitem_index_fields]=index-fields
  [workitem_drop_index_field]=drop-index-field
)
# A parameter's name on the command line, where it is not --<name with dashes>; '|' separates
# alternatives (positional arguments are shown by their name).
declare -A renamed=(
  [id]="ids|id" [ids]=ids [expected_version]=--expected-version
  [expected_versions]=--expected-version [idempotency_key]=--key
  [workflow_id]="--workflow|workflow" [task_name]=--task [to_user]=--to [user_id]=user
  [consumer]=name [batch_id]=batch [name]=name [tenant]=--for-tenant [validator]=function
  [strategy]=function [enabled]=state [items]=file [users]=file [group_id]=--group
  [groups]=--group [available]=--unavailable
)
# Deliberately not reachable from the CLI, and why.
declare -A not_exposed=(
  [workitem_batch_events]="consumer next takes a batch's events in the same statement (the SDK's next_batch)"
  [workitem_event_notify]="a service's switch of the NOTIFY wake-ups, set once in SQL (docs/events.md)"
  [workitem_await_events]="the wake-up the SDK's EventConsumer registers before each poll; consumer next takes one batch and does not wait"
  [workitem_remember_refusal]="the library calls it on the refused call's own connection (docs/sdk.md); a later CLI process is another session, with nothing noted"
)

status=0
checked=0
while IFS='|' read -r function parameters; do
  [ -n "${not_exposed[$function]:-}" ] && continue
  base=${function%_batch}
  subcommand=${command[$function]:-${command[$base]:-}}
  if [ -z "$subcommand" ]; then
    echo "$function: no subcommand calls it (add it to cli_options.sh's table, or to not_exposed with a reason)"
    status=1
    continue
  fi
  # shellcheck disable=SC2086 # the subcommand is one or two words
  help=$("$cli" $subcommand --help 2>&1)
  for parameter in $parameters; do
    [ -n "${not_exposed[$base.$parameter]:-}" ] && continue
    names=${renamed[$parameter]:-"--${parameter//_/-}"}
    found=
    IFS='|' read -ra alternatives <<<"$names"
    for name in "${alternatives[@]}"; do
      if grep -qE "(^|[[:space:],])$name([[:space:],=]|$)" <<<"$help"; then found=yes; fi
    done
    checked=$((checked + 1))
    if [ -z "$found" ]; then
      echo "$function($parameter): workitem $subcommand has no option $names"
      status=1
    fi
  done
done < <(psql "$dsn" -qAt -v ON_ERROR_STOP=1 <<'SQL'
SELECT p.proname,
       array_to_string(ARRAY(SELECT a.name
                               FROM unnest(p.proargnames,
                                           coalesce(p.proargmodes::text[],
                                                    array_fill('i'::text, ARRAY[cardinality(p.proargnames)])))
                                    AS a(name, mode)
                              WHERE a.mode IN ('i', 'b', 'v')), ' ')
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'workitem'
 WHERE p.proname LIKE 'workitem\_%' AND p.pronamespace <> 'workitem'::regnamespace
 ORDER BY 1
SQL
)
[ "$checked" -gt 100 ] || { echo "only $checked parameters read from pg_proc"; status=1; }
[ "$status" -eq 0 ] && echo "every parameter of the SQL functions reaches the CLI ($checked checked; not exposed: ${#not_exposed[@]})"
exit "$status"
