-- Every database with the extension has its timer (workitem.database empty, tests/timers.conf):
-- the launcher, connected to no database, starts one per database; a database created now gets
-- its items activated and its leases expired, with nobody calling workitem_tick. A database
-- whose extension is dropped loses its timer; a plain DROP DATABASE stops only the timer of the
-- database it drops.
SELECT count(*) AS launchers FROM pg_stat_activity
 WHERE backend_type = 'workitem timer launcher' AND datname IS NULL;
CREATE DATABASE workitem_timers_other;
\c workitem_timers_other
SET client_min_messages = warning;
CREATE EXTENSION workitem;
SELECT count(*) FROM (SELECT workitem_put_user(u, '{crew}') FROM unnest(ARRAY['olga', 'otto']) AS u) AS users;
RESET client_min_messages;

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

SELECT id AS later_id FROM workitem_create('wf-o', 'Soon', '{"potential_owners": {"groups": ["crew"]}}',
    activate_at => clock_timestamp() + interval '1 second', actor => 'init') \gset
SELECT id AS leased_id FROM workitem_create('wf-o', 'Leased', '{"potential_owners": {"groups": ["crew"]}}', actor => 'init') \gset
SELECT state FROM workitem_claim(:leased_id, 'olga', lease_seconds => 1);
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :later_id)) AS activated;
SELECT pg_temp.eventually(format('SELECT state = %L FROM workitem.item WHERE id = %s', 'offered', :leased_id)) AS lease_expired;
SELECT aggregateid = :later_id AS soon, operation, actor FROM workitem.event
 WHERE aggregateid IN (:later_id, :leased_id) AND actor = 'system' ORDER BY seq;

-- One timer in each database, under the same name.
SELECT datname, application_name, count(*) FROM pg_stat_activity
 WHERE backend_type = 'workitem timer' AND datname IN ('workitem_timers', 'workitem_timers_other')
 GROUP BY 1, 2 ORDER BY 1;

-- Without the extension the timer leaves (the launcher looks again after
-- workitem.timer_probe_interval, and its probe leaves at once); with it again, it comes back.
SET client_min_messages = warning;
DROP EXTENSION workitem;
RESET client_min_messages;
SELECT pg_temp.eventually($$SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database())$$) AS timer_gone;
SET client_min_messages = warning;
CREATE EXTENSION workitem;
RESET client_min_messages;
SELECT pg_temp.eventually($$SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database())$$) AS timer_back;

-- A plain DROP DATABASE of a database with its timer running succeeds: the timer is stopped
-- for it (extension/pg/timers/drop_database.cpp), and only that database's timer. One that
-- cannot go on (in a transaction block, of the current database) stops none.
\c workitem_timers
SELECT pid AS own_timer FROM pg_stat_activity
 WHERE backend_type = 'workitem timer' AND datname = current_database() \gset
SELECT pid AS other_timer FROM pg_stat_activity
 WHERE backend_type = 'workitem timer' AND datname = 'workitem_timers_other' \gset
BEGIN;
DROP DATABASE workitem_timers_other;
ROLLBACK;
DROP DATABASE workitem_timers;
SELECT pg_sleep(0.5);  -- a timer wrongly signalled would be gone by now
SELECT datname, pid IN (:own_timer, :other_timer) AS same_timer FROM pg_stat_activity
 WHERE backend_type = 'workitem timer' AND datname IN ('workitem_timers', 'workitem_timers_other')
 ORDER BY 1;
DROP DATABASE workitem_timers_other;
SELECT count(*) AS left_in_dropped FROM pg_stat_activity WHERE datname = 'workitem_timers_other';
SELECT pg_sleep(0.5);
SELECT count(*) AS own_timer_untouched FROM pg_stat_activity
 WHERE backend_type = 'workitem timer' AND datname = current_database() AND pid = :own_timer;

-- The suite's own timer and the launcher run on.
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
        PERFORM pg_stat_clear_snapshot();
    END LOOP;
    RETURN false;
END;
$$;
SELECT pg_temp.eventually($$SELECT EXISTS (SELECT FROM pg_stat_activity WHERE backend_type = 'workitem timer' AND datname = current_database())$$) AS own_timer;
SELECT count(*) AS launchers FROM pg_stat_activity WHERE backend_type = 'workitem timer launcher';
