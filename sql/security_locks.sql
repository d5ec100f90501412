-- The trust boundary, continued (issue 16): an item the caller may not see is not found on every
-- path, exactly like a missing id; a refused call locks nothing; advisory lock keys cannot be
-- computed by other roles; idempotency keys belong to their caller.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wl_ann, wl_bob, wl_dave, wl_svc, wl_bi, wl_out;
DROP FUNCTION IF EXISTS public.wl_answer(text, bigint);
RESET client_min_messages;
\set SHOW_CONTEXT never

-- ann and bob work on items; dave is a user who is a stakeholder of nothing; svc is a service;
-- bi reads; out has no workitem role at all.
CREATE ROLE wl_ann IN ROLE workitem_user;
CREATE ROLE wl_bob IN ROLE workitem_user;
CREATE ROLE wl_dave IN ROLE workitem_user;
CREATE ROLE wl_svc IN ROLE workitem_service;
CREATE ROLE wl_bi IN ROLE workitem_reader;
CREATE ROLE wl_out;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{team}') FROM unnest(ARRAY['wl_ann', 'wl_bob', 'wl_dave']) AS u) AS users;
SELECT enabled FROM workitem_set_flag('idempotency', true);
-- 1: offered to ann and bob; 2: held (started) by ann, with a lease.
SELECT id FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"users": ["wl_ann", "wl_bob"]}}', actor => 'engine');
SELECT id FROM workitem_create('wf-2', 'Pay', '{"potential_owners": {"users": ["wl_ann"]}, "lease_seconds": 600}', actor => 'engine');
SELECT id, state, owner FROM workitem_start(2, 'wl_ann');

-- The answer of a call on an id, as text: SQLSTATE | message | detail | hint with the id written
-- <id>; 'ok' for an item returned; a batch form's rows (ok | sqlstate | message); an array as is.
CREATE FUNCTION public.wl_answer(call text, id bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    answer text;
    state text;
    message text;
    detail text;
    hint text;
BEGIN
    IF call LIKE '%\_batch(%' THEN
        EXECUTE format('SELECT string_agg(concat_ws('' | '', r.ok, r.sqlstate, r.message), '', '') '
                       'FROM %s AS r', format(call, id)) INTO answer;
    ELSE
        EXECUTE format('SELECT CASE WHEN jsonb_typeof(j) = ''array'' THEN j::text ELSE ''ok'' END '
                       'FROM to_jsonb(%s) AS j', format(call, id)) INTO answer;
    END IF;
    RETURN replace(answer, id::text, '<id>');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN replace(concat_ws(' | ', state, message, detail, hint), id::text, '<id>');
END
$$;

-- Every operation, single and batch, on item 2 (which dave may not see) answers exactly as on
-- item 999 (which does not exist): not found, and nothing else about it - no state, version,
-- owner, and no refusal that would tell it exists (before: heartbeat named its state, version and
-- owner; expected_version probes told its version; allowed_operations answered {}; batch rows
-- answered WI403/WI423).
CREATE TEMP TABLE calls (call text);
GRANT SELECT ON calls TO PUBLIC;
INSERT INTO calls VALUES
    ('workitem_get(%s)'),
    ('workitem_allowed_operations(%s, ''wl_dave'')'),
    ('workitem_heartbeat(%s, ''wl_dave'')'),
    ('workitem_heartbeat(%s, ''wl_dave'', 60)'),
    ('workitem_claim(%s, ''wl_dave'')'),
    ('workitem_claim(%s, ''wl_dave'', expected_version => 2)'),
    ('workitem_claim(%s, ''wl_dave'', expected_version => 3)'),
    ('workitem_allocate(%s, ''wl_dave'', ''wl_bob'')'),
    ('workitem_start(%s, ''wl_dave'')'),
    ('workitem_stop(%s, ''wl_dave'')'),
    ('workitem_release(%s, ''wl_dave'')'),
    ('workitem_delegate(%s, ''wl_dave'', ''wl_bob'')'),
    ('workitem_resolve(%s, ''wl_dave'')'),
    ('workitem_forward(%s, ''wl_dave'', ''{"potential_owners": {"users": ["wl_dave"]}}'')'),
    ('workitem_suspend(%s, ''wl_dave'')'),
    ('workitem_resume(%s, ''wl_dave'')'),
    ('workitem_complete(%s, ''wl_dave'', ''{}'')'),
    ('workitem_complete(%s, ''wl_dave'', ''{}'', expected_version => 1)'),
    ('workitem_fail(%s, ''wl_dave'', ''{}'')'),
    ('workitem_skip(%s, ''wl_dave'')'),
    ('workitem_cancel(%s, ''wl_dave'')'),
    ('workitem_mark_error(%s, ''wl_dave'')'),
    ('workitem_update(%s, ''wl_dave'', priority => 5)'),
    ('workitem_save_output(%s, ''wl_dave'', ''{}'')'),
    ('workitem_claim_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_claim_batch(ARRAY[%s], ''wl_dave'', ARRAY[1])'),
    ('workitem_allocate_batch(ARRAY[%s], ''wl_dave'', ''wl_bob'')'),
    ('workitem_start_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_stop_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_release_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_delegate_batch(ARRAY[%s], ''wl_dave'', ''wl_bob'')'),
    ('workitem_resolve_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_forward_batch(ARRAY[%s], ''wl_dave'', ''{"potential_owners": {"users": ["wl_dave"]}}'')'),
    ('workitem_suspend_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_resume_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_complete_batch(ARRAY[%s], ''wl_dave'', ''{}'')'),
    ('workitem_fail_batch(ARRAY[%s], ''wl_dave'', ''{}'')'),
    ('workitem_skip_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_cancel_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_mark_error_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_heartbeat_batch(ARRAY[%s], ''wl_dave'')'),
    ('workitem_update_batch(ARRAY[%s], ''wl_dave'', priority => 5)'),
    ('workitem_save_output_batch(ARRAY[%s], ''wl_dave'', ''{}'')');
SET ROLE wl_dave;
SELECT c.call, wl_answer(c.call, 2) = wl_answer(c.call, 999) AS same_as_missing,
       wl_answer(c.call, 2) AS answer
  FROM calls c ORDER BY c.call;
-- claim_next offers dave nothing, and the items are as they were.
SELECT count(*) AS claimed FROM workitem_claim_next('wl_dave');
RESET ROLE;
SELECT id, version, state, owner, priority FROM workitem.item ORDER BY id;

-- A service acts for any actor and sees every item, so it is told why the actor may not: the
-- refusal of the actor it acts as, not a not-found. Likewise a stakeholder learns about its item:
-- its version, its state. bob may not see item 2 (ann's alone): not found for him too.
SET ROLE wl_svc;
SELECT id FROM workitem_claim(2, 'wl_dave');
RESET ROLE;
SET ROLE wl_bob;
SELECT id FROM workitem_claim(1, 'wl_bob', expected_version => 7);
SELECT id FROM workitem_heartbeat(1, 'wl_bob');
SELECT workitem_allowed_operations(1, 'wl_bob');
SELECT id FROM workitem_heartbeat(2, 'wl_bob');
RESET ROLE;
-- A reader sees every item, and may do nothing with it.
SET ROLE wl_bi;
SELECT workitem_allowed_operations(2, 'wl_bi');
RESET ROLE;

-- 3: dave started it (he may see it, not take it); 4: offered to ann alone.
SELECT id FROM workitem_create('wf-3', 'Step A', '{"potential_owners": {"users": ["wl_ann"]}}', actor => 'wl_dave');
SELECT id FROM workitem_create('wf-3', 'Step B', '{"potential_owners": {"users": ["wl_ann"]}}', actor => 'engine');

-- A refused batch keeps no lock: dave's claim_batch of items he may not see (and of one he may
-- see but not take) locks no row, and his delegate_batch of ann's item does not lock bob's
-- directory row (a row lock would have given the transaction an id).
-- (Isolation: refused_calls_release_locks.)
UPDATE workitem.directory_user SET capacity = 5 WHERE user_id = 'wl_bob';
BEGIN;
SET LOCAL ROLE wl_dave;
SELECT id, ok, sqlstate, message FROM workitem_claim_batch(ARRAY[1, 2, 3, 4, 999], 'wl_dave');
SELECT id, ok, sqlstate, message FROM workitem_delegate_batch('{2}', 'wl_dave', 'wl_bob');
RESET ROLE;
SELECT pg_current_xact_id_if_assigned() IS NULL AS locked_nothing;
ROLLBACK;

-- Advisory lock keys are keyed with a secret no other role can read: the old formula names no
-- lock the extension takes, and the secret table is closed to every role but its owner.
SET ROLE wl_out;
SELECT count(*) FROM workitem.lock_secret;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wl_ann;
SELECT count(*) FROM workitem.lock_secret;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS secrets, min(length(secret)) AS bytes FROM workitem.lock_secret;
BEGIN;
SET LOCAL ROLE wl_ann;
SELECT id, state FROM workitem_claim(1, 'wl_ann', idempotency_key => 'pay-42');
RESET ROLE;
SELECT count(*) AS advisory_locks,
       count(*) FILTER (WHERE ((l.classid::bigint << 32) | l.objid::bigint)
                              = hashtextextended('key/default/pay-42', 0)) AS at_old_key
  FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory';
ROLLBACK;

-- Idempotency keys belong to their caller: bob's use of ann's key is a request of his own (not
-- WI428, which would tell him ann used it), and ann's retry still replays her outcome.
SET ROLE wl_ann;
SELECT id, state, owner, version FROM workitem_claim(1, 'wl_ann', idempotency_key => 'k-1');
RESET ROLE;
SET ROLE wl_bob;
SELECT id FROM workitem_claim(1, 'wl_bob', idempotency_key => 'k-1');
RESET ROLE;
SET ROLE wl_ann;
SELECT id, state, owner, version FROM workitem_claim(1, 'wl_ann', idempotency_key => 'k-1');
SELECT id FROM workitem_release(1, 'wl_ann', idempotency_key => 'k-1');
RESET ROLE;
-- A service's key is its own per actor: the same key for two actors is two requests.
SET ROLE wl_svc;
SELECT id, owner FROM workitem_create('wf-4', 'Svc', '{"potential_owners": {"users": ["wl_ann"]}}', actor => 'wl_ann', idempotency_key => 'c-1');
SELECT id, owner FROM workitem_create('wf-4', 'Svc', '{"potential_owners": {"users": ["wl_ann"]}}', actor => 'wl_bob', idempotency_key => 'c-1');
SELECT id, owner FROM workitem_create('wf-4', 'Svc', '{"potential_owners": {"users": ["wl_ann"]}}', actor => 'wl_ann', idempotency_key => 'c-1');
RESET ROLE;
SELECT tenant_id, role_name, actor, key, operation FROM workitem.idempotency_key ORDER BY key, role_name, actor;

SET client_min_messages = warning;
DROP FUNCTION public.wl_answer(text, bigint);
DROP EXTENSION workitem CASCADE;
DROP ROLE wl_ann, wl_bob, wl_dave, wl_svc, wl_bi, wl_out;
RESET client_min_messages;
