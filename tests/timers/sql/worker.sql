-- The background worker (the library is preloaded): it runs, under a clear name, in this
-- database (each database has its own: databases.sql), and acts on due items on the real clock
-- without anyone calling workitem_tick.
-- It survives a failing item, pg_terminate_backend and a configuration reload.
SET client_min_messages = warning;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{crew}') FROM unnest(ARRAY['wendy', 'walt']) AS u) AS users;
RESET client_min_messages;
\set VERBOSITY sqlstate

-- Waits (at most 30 s) until a query answers true.
CREATE FUNCTION pg_temp.eventually(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    answer boolean;
BEGIN
    FOR attempt IN 1 .. 300 LOOP
        EXECUTE query INTO answer;
        IF answer THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.1);
        PERFORM pg_stat_clear_snapshot();  -- pg_stat_activity anew
    END LOOP;
    RETURN false;
END;
$$;

SELECT pg_temp.eventually($$SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database())$$) AS running;
SELECT backend_type, application_name, datname FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database();
SELECT pid AS first_pid FROM pg_stat_activity WHERE backend_type = 'workitem timer' \gset

-- An item activates and a lease runs out with nobody calling workitem_tick.
SELECT id AS later_id FROM workitem_create('wf-w', 'Soon', '{"potential_owners": {"groups": ["crew"]}}',
    activate_at => clock_timestamp() + interval '1 second', actor => 'init') \gset
SELECT id AS leased_id FROM workitem_create('wf-w', 'Leased', '{"potential_owners": {"groups": ["crew"]}}', actor => 'init') \gset
SELECT state FROM workitem_claim(:leased_id, 'wendy', lease_seconds => 1);
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :later_id)) AS activated;
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :leased_id)) AS lease_expired;
SELECT type, actor FROM workitem.event WHERE aggregateid = :leased_id ORDER BY seq DESC LIMIT 1;

-- One bad item (a validator that raises an error on its activation) is logged, recorded and
-- skipped; the good one next to it still activates.
CREATE FUNCTION public.explode(item workitem.item, operation text, actor text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$ BEGIN RAISE EXCEPTION 'boom on item %', item.id; END; $$;
SELECT task_name FROM workitem_register_validator('public.explode', task_name => 'Bomb', operation => 'activate');
SELECT id AS bomb_id FROM workitem_create('wf-w', 'Bomb', '{"potential_owners": {"groups": ["crew"]}}',
    activate_at => clock_timestamp() + interval '1 second', actor => 'init') \gset
SELECT id AS good_id FROM workitem_create('wf-w', 'Good', '{"potential_owners": {"groups": ["crew"]}}',
    activate_at => clock_timestamp() + interval '1 second', actor => 'init') \gset
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :good_id)) AS good_activated;
SELECT pg_temp.eventually(format('SELECT EXISTS (SELECT FROM workitem.timer_failures WHERE item_id = %s)', :bomb_id)) AS bomb_recorded;
SELECT action, sqlstate, message = format('boom on item %s', :bomb_id) AS its_error,
       attempts >= 1 AS attempted, next_attempt_at > now() AS retried_later
  FROM workitem.timer_failures WHERE item_id = :bomb_id;
SELECT state FROM workitem_get(:bomb_id);
SELECT pid = :first_pid AS same_worker FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database();

-- Once the validator is gone, the retry succeeds (its time brought forward for the test).
SELECT count(*) FROM (SELECT workitem_unregister_validator(id) FROM workitem.custom_validator) AS gone;
UPDATE workitem.timer_failure SET next_attempt_at = now() WHERE item_id = :bomb_id;
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :bomb_id)) AS bomb_activated_at_last;
SELECT pg_temp.eventually(format('SELECT NOT EXISTS (SELECT FROM workitem.timer_failures WHERE item_id = %s)', :bomb_id)) AS failure_forgotten;

-- Terminated, the postmaster starts it again.
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database();
SELECT pg_temp.eventually(format('SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = %L AND datname = current_database() AND pid <> %s)', 'workitem timer', :first_pid)) AS restarted;
SELECT id AS second_id FROM workitem_create('wf-w', 'Leased', '{"potential_owners": {"groups": ["crew"]}}', actor => 'init') \gset
SELECT state FROM workitem_claim(:second_id, 'walt', lease_seconds => 1);
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :second_id)) AS still_expiring;

-- A configuration reload (SIGHUP) is taken in stride.
ALTER SYSTEM SET workitem.tick_interval = '100ms';
SELECT pg_reload_conf();
SELECT id AS third_id FROM workitem_create('wf-w', 'Leased', '{"potential_owners": {"groups": ["crew"]}}', actor => 'init') \gset
SELECT state FROM workitem_claim(:third_id, 'wendy', lease_seconds => 1);
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :third_id)) AS expiring_after_reload;
ALTER SYSTEM RESET workitem.tick_interval;
SELECT pg_reload_conf();

-- The monitoring view: the worker has ticked, acted and recorded the failure.
SELECT pg_temp.eventually($$SELECT last_tick_at > now() - interval '10 seconds' FROM workitem.timer_status WHERE action = 'lease_expire'$$) AS ticking;
SELECT database, action, done > 0 AS acted, failed > 0 AS had_failures, last_error IS NOT NULL AS has_error
  FROM workitem.timer_status WHERE action IN ('activate', 'lease_expire') ORDER BY action;
DROP FUNCTION public.explode(workitem.item, text, text);
