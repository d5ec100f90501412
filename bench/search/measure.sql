-- bench/search: each read :repeats times in tenant t3, timed in the server (clock_timestamp
-- around each call, so the network is not in it); p50 and p99 in milliseconds.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET workitem.tenant = 't3';
CREATE TEMP TABLE timing (what text, ms double precision);
CREATE FUNCTION pg_temp.time_it(what text, statement text, repeats integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz;
    answer bigint;
BEGIN
    FOR r IN 1 .. repeats LOOP
        started := clock_timestamp();
        EXECUTE statement INTO answer;
        INSERT INTO timing VALUES (what || ' -> ' || answer, extract(epoch FROM clock_timestamp() - started) * 1000);
    END LOOP;
END;
$$;
-- Matches: region r7 is 2% of a tenant (0.2% of all items), a 1,000-wide amount band 1%.
SELECT pg_temp.time_it('list containment, first page (service)', $q$SELECT count(*) FROM workitem_list(input_contains => '{"customer": {"region": "r7"}}', page_size => 50)$q$, :repeats);
SELECT pg_temp.time_it('list containment, first page (as user u7)', $q$SELECT count(*) FROM workitem_list(input_contains => '{"customer": {"region": "r7"}}', page_size => 50, actor => 'u7')$q$, :repeats);
SELECT pg_temp.time_it('count containment (service)', $q$SELECT workitem_count(input_contains => '{"customer": {"region": "r7"}}')$q$, :repeats);
SELECT pg_temp.time_it('count containment (as user u7)', $q$SELECT workitem_count(input_contains => '{"customer": {"region": "r7"}}', actor => 'u7')$q$, :repeats);
SELECT pg_temp.time_it('list field range, first page (service)', $q$SELECT count(*) FROM workitem_list(fields => '{"amount": {">=": 1000, "<": 2000}}', page_size => 50)$q$, :repeats);
SELECT pg_temp.time_it('list field range sorted by amount (as user u7)', $q$SELECT count(*) FROM workitem_list(fields => '{"amount": {">=": 1000, "<": 2000}}', sort => 'field:amount', page_size => 50, actor => 'u7')$q$, :repeats);
SELECT pg_temp.time_it('count field range (service)', $q$SELECT workitem_count(fields => '{"amount": {">=": 1000, "<": 2000}}')$q$, :repeats);
SELECT pg_temp.time_it('list path equality, first page (service)', $q$SELECT count(*) FROM workitem_list(input_path => '$.customer.region == "r7"', page_size => 50)$q$, :repeats);
SELECT pg_temp.time_it('list, no business filter, first page (service)', $q$SELECT count(*) FROM workitem_list(task_name => 'Task3', page_size => 50)$q$, :repeats);
SELECT what, count(*) AS calls,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p99_ms
  FROM timing GROUP BY what ORDER BY min(ctid);
