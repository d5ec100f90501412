-- The invariants of a load run (docs/load.md, The checks): the driver's journal (loaded by
-- journal.sql into the temporary table journal) held against the event log, the items, the
-- directory and the idempotency keys of the run's database. Each check prints one line,
-- "PASS <name>: ..." or "FAIL <name>: ..."; "INFO" lines describe the run, "SKIP" lines name a
-- check that does not apply to this path.
--   psql -X -qAt -v ON_ERROR_STOP=1 -d <run database, as a superuser> -f journal.sql \
--        -c 'BEGIN ISOLATION LEVEL REPEATABLE READ' -f check.sql -c COMMIT < journal.tsv
-- All in one snapshot: the server's timer keeps changing items (lease expiries) while it runs.

-- The event log, each event with the item's state and owner after it and before it.
CREATE TEMP TABLE history AS
SELECT e.seq, e.aggregateid AS item_id, e.aggregate_version AS version, e.type, e.operation,
       e.actor, e.idempotency_key,
       e.payload -> 'item' ->> 'state' AS state, e.payload -> 'item' ->> 'owner' AS owner,
       lag(e.payload -> 'item' ->> 'state') OVER w AS state_before,
       lag(e.payload -> 'item' ->> 'owner') OVER w AS owner_before,
       lag(e.aggregate_version) OVER w AS version_before
  FROM workitem.event e
WINDOW w AS (PARTITION BY e.aggregateid ORDER BY e.aggregate_version, e.seq);
CREATE INDEX ON history (item_id, version);
CREATE INDEX ON history (idempotency_key);
ANALYZE history;

CREATE FUNCTION pg_temp.verdict(name text, violations bigint, detail text) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN violations = 0 THEN 'PASS ' ELSE 'FAIL ' END || name || ': ' || detail;

-- The answers that changed something: rows of mutations the database did, with the version
-- they answered (a heartbeat changes no version; a claim_next with nothing to claim no item).
CREATE TEMP VIEW acknowledged AS
SELECT * FROM journal
 WHERE outcome = 'ok' AND call_op NOT IN ('worklist', 'list', 'heartbeat')
   AND item_id IS NOT NULL AND version IS NOT NULL;

-- A run that did nothing proves nothing.
SELECT pg_temp.verdict('journal_has_work',
           (count(*) FILTER (WHERE outcome = 'ok' AND operation = 'complete') = 0)::int,
           format('%s journal rows, %s calls, %s events', count(*),
                  count(DISTINCT (client, call)), (SELECT count(*) FROM history)))
  FROM journal;

SELECT pg_temp.verdict('every_call_answered',
           count(*) FILTER (WHERE outcome IN ('failed', 'in_doubt')),
           format('%s ok, %s refused, %s in doubt, %s failed (no answer after the retries)',
                  count(*) FILTER (WHERE outcome = 'ok'), count(*) FILTER (WHERE outcome = 'refused'),
                  count(*) FILTER (WHERE outcome = 'in_doubt'),
                  count(*) FILTER (WHERE outcome = 'failed')))
  FROM (SELECT DISTINCT ON (client, call) outcome FROM journal ORDER BY client, call) calls;

-- No item completed twice: one completion event per item, and no two completions acknowledged
-- under different keys (a replay answers the same completion under the same key).
SELECT pg_temp.verdict('completed_at_most_once', count(*),
           format('%s items completed', (SELECT count(*) FROM history WHERE type = 'workitem.completed')))
  FROM (SELECT item_id FROM history WHERE type = 'workitem.completed'
         GROUP BY item_id HAVING count(*) > 1
        UNION
        SELECT item_id FROM acknowledged WHERE operation = 'complete'
         GROUP BY item_id HAVING count(DISTINCT idempotency_key) > 1) twice;

-- Completed or failed only by whoever held the item just before (docs/domain.md §2).
SELECT pg_temp.verdict('ended_only_by_owner', count(*),
           format('%s completions and failures', (SELECT count(*) FROM history
                                                   WHERE type IN ('workitem.completed', 'workitem.failed'))))
  FROM history
 WHERE type IN ('workitem.completed', 'workitem.failed')
   AND (state_before IS DISTINCT FROM 'allocated' AND state_before IS DISTINCT FROM 'started'
        OR owner_before IS DISTINCT FROM actor);

-- No double allocation: a claim takes only an offered item, and no two claims acknowledged
-- under different keys answered the same version of an item.
SELECT pg_temp.verdict('no_double_allocation', count(*),
           format('%s claims', (SELECT count(*) FROM history WHERE operation IN ('claim', 'claim_next'))))
  FROM (SELECT item_id, version FROM history
         WHERE operation IN ('claim', 'claim_next') AND state_before IS DISTINCT FROM 'offered'
        UNION ALL
        SELECT item_id, version FROM acknowledged WHERE operation IN ('claim', 'claim_next')
         GROUP BY item_id, version HAVING count(DISTINCT idempotency_key) > 1) doubled;

-- Versions 1, 2, ... n per item with no gap, n the item's own version.
SELECT pg_temp.verdict('versions_contiguous', count(*),
           format('%s items', (SELECT count(DISTINCT item_id) FROM history))
           || coalesce('; first offenders: ' || string_agg(detail, '; ' ORDER BY item_id)
                       FILTER (WHERE rank <= 5), ''))
  FROM (SELECT item_id, detail, row_number() OVER (ORDER BY item_id) AS rank
          FROM (SELECT h.item_id, format('item %s events v%s..v%s, %s distinct', h.item_id,
                                         min(h.version), max(h.version), count(DISTINCT h.version)) AS detail
                  FROM history h
                 GROUP BY h.item_id HAVING min(h.version) <> 1 OR max(h.version) <> count(DISTINCT h.version)
                UNION ALL
                SELECT i.id, format('item %s (%s) at v%s, its last event v%s', i.id, i.state, i.version, h.version)
                  FROM workitem.item i
                  LEFT JOIN (SELECT item_id, max(version) AS version FROM history GROUP BY item_id) h
                    ON h.item_id = i.id
                 WHERE h.version IS DISTINCT FROM i.version) gaps) ranked;

SELECT pg_temp.verdict('one_event_per_version', count(*), format('%s events', (SELECT count(*) FROM history)))
  FROM (SELECT item_id, version FROM history GROUP BY item_id, version HAVING count(*) > 1) doubled;

-- Every acknowledged row's event: the operation, the key, the state and owner it answered.
SELECT pg_temp.verdict('acknowledged_effects_present', count(*),
           format('%s acknowledged rows', (SELECT count(*) FROM acknowledged)))
  FROM acknowledged a
 WHERE NOT EXISTS (SELECT FROM history h
                    WHERE h.item_id = a.item_id AND h.version = a.version
                      AND h.operation = a.operation
                      AND h.idempotency_key IS NOT DISTINCT FROM a.idempotency_key
                      AND h.state IS NOT DISTINCT FROM a.state
                      AND h.owner IS NOT DISTINCT FROM a.owner);

-- No refused row's effect: no event carries its key on its item (on any item, for a call
-- refused as a whole), unless the same key was acknowledged on that item by a retry that ran
-- afresh because the refusal was not remembered (idempotent_retries_replayed counts those).
SELECT pg_temp.verdict('refused_effects_absent', count(*),
           format('%s refused rows', (SELECT count(*) FROM journal WHERE outcome = 'refused')))
  FROM journal r
  JOIN history h ON h.idempotency_key = r.idempotency_key AND h.actor = r.actor
                AND (h.item_id = r.item_id OR r.item_id IS NULL)
 WHERE r.outcome = 'refused'
   AND NOT EXISTS (SELECT FROM acknowledged a
                    WHERE a.idempotency_key = r.idempotency_key AND a.item_id = h.item_id);

-- Capacity, replayed from the event log in seq order: the items each user holds (allocated,
-- started, suspended: docs/domain.md §3) never outnumber their capacity. Seq order is the
-- order of the checks: a check locks the user's directory row before its event is numbered.
WITH moves AS (
    SELECT seq, owner_before AS user_id, -1 AS delta FROM history
     WHERE state_before IN ('allocated', 'started', 'suspended') AND owner_before IS NOT NULL
    UNION ALL
    SELECT seq, owner, 1 FROM history
     WHERE state IN ('allocated', 'started', 'suspended') AND owner IS NOT NULL),
held AS (
    SELECT m.user_id, m.seq, sum(m.delta) OVER (PARTITION BY m.user_id ORDER BY m.seq, m.delta)
               AS items
      FROM moves m)
SELECT pg_temp.verdict('capacity_never_exceeded', count(*) FILTER (WHERE h.items > d.capacity),
           format('%s users with a capacity, at most %s held at once by one of them',
                  count(DISTINCT d.user_id), coalesce(max(h.items), 0)))
  FROM workitem.directory_user d
  LEFT JOIN held h ON h.user_id = d.user_id
 WHERE d.capacity IS NOT NULL;

-- Four eyes, replayed in seq order: whoever completed an item of a task an item names in
-- four_eyes_with (same workflow) neither took nor was given that item afterwards, nor completed
-- it (docs/domain.md §3).
WITH guarded AS (
    SELECT i.id, i.workflow_id,
           ARRAY(SELECT jsonb_array_elements_text(i.assignment -> 'constraints' -> 'four_eyes_with'))
               AS tasks
      FROM workitem.item i
     WHERE jsonb_array_length(coalesce(i.assignment -> 'constraints' -> 'four_eyes_with', '[]')) > 0),
completions AS (
    SELECT i.workflow_id, i.task_name, h.actor, h.seq
      FROM history h JOIN workitem.item i ON i.id = h.item_id
     WHERE h.type = 'workitem.completed'),
takings AS (
    SELECT h.item_id, h.seq, coalesce(h.owner, h.actor) AS user_id
      FROM history h
     WHERE h.type = 'workitem.completed'
        OR h.owner IS NOT NULL AND h.owner IS DISTINCT FROM h.owner_before
        OR h.type = 'workitem.started' AND h.state_before = 'offered')
SELECT pg_temp.verdict('four_eyes_never_violated', count(*),
           format('%s items under four eyes, %s takings and completions of them',
                  (SELECT count(*) FROM guarded),
                  (SELECT count(*) FROM takings t JOIN guarded g ON g.id = t.item_id)))
  FROM takings t
  JOIN guarded g ON g.id = t.item_id
  JOIN completions c ON c.workflow_id = g.workflow_id AND c.task_name = ANY (g.tasks)
                    AND c.actor = t.user_id AND c.seq < t.seq;

-- Idempotent retries: a call sent again with its key after a "dropped reply" is answered with
-- the first answer. A refusal is replayed only if it was remembered (docs/domain.md §9): through
-- pgbouncer in transaction pooling the call that stores it may reach another server session
-- than the refused call, which noted it; such a retry runs afresh and is counted apart. The
-- refusal stored under the key is then the retry's own, if the retry was refused too: the
-- first refusal was remembered only if the key holds its SQLSTATE. A retry that got no answer
-- (a fault cut it off: tests/fault) proves nothing either way; every_call_answered counts it.
CREATE TEMP VIEW answers AS
SELECT client, call, min(replay_of) AS replay_of, min(idempotency_key) AS idempotency_key,
       min(actor) AS actor, bool_or(outcome = 'refused') AS refused, min(sqlstate) AS sqlstate,
       bool_or(outcome IN ('failed', 'in_doubt')) AS unanswered,
       string_agg(concat_ws('/', operation, item_id, outcome, sqlstate, version, state, owner), ' '
                  ORDER BY item_id, operation) AS answer
  FROM journal GROUP BY client, call;
WITH pairs AS (
    SELECT f.answer AS first, r.answer AS again, f.refused, r.unanswered AS cut_off,
           EXISTS (SELECT FROM workitem.idempotency_key k
                    WHERE k.key = f.idempotency_key AND k.actor = f.actor
                      AND k.outcome -> 'refused' ->> 'sqlstate' = f.sqlstate) AS remembered
      FROM answers r JOIN answers f ON f.client = r.client AND f.call = r.replay_of)
SELECT pg_temp.verdict('idempotent_retries_replayed',
           count(*) FILTER (WHERE first <> again AND NOT cut_off AND (NOT refused OR remembered)),
           format('%s retries (%s of a refusal); %s refusals not remembered, '
                  '%s of them answered differently; %s retries without an answer', count(*),
                  count(*) FILTER (WHERE refused), count(*) FILTER (WHERE refused AND NOT remembered),
                  count(*) FILTER (WHERE refused AND NOT remembered AND first <> again),
                  count(*) FILTER (WHERE cut_off)))
  FROM pairs;

-- Every refusal the database may remember (a WI refusal but WI428 and WI501, docs/domain.md §9)
-- of a call with the driver's key left its key taken: through pgbouncer's transaction pooling
-- too, since the library stores it on the refused call's own server session (docs/sdk.md). A
-- refused row of a batch leaves the key taken by the batch's answer.
SELECT pg_temp.verdict('refusals_remembered', count(*),
           format('%s refusals with a key', (SELECT count(*) FROM journal
                                              WHERE outcome = 'refused' AND idempotency_key IS NOT NULL)))
  FROM journal r
 WHERE r.outcome = 'refused' AND r.idempotency_key IS NOT NULL
   AND r.sqlstate LIKE 'WI%' AND r.sqlstate NOT IN ('WI428', 'WI501')
   AND NOT EXISTS (SELECT FROM workitem.idempotency_key k
                    WHERE k.key = r.idempotency_key AND k.actor = r.actor);

-- The relay's sink (every committed event delivered, in order per item), when sink.sql loaded
-- what it received (docs/load.md, The relay's sink).
\if :{?sink_file}
\ir relay_check.sql
\else
SELECT 'SKIP relay_sinks_complete_and_ordered: the relay did not run';
\endif

-- What the run did: calls per operation, their outcomes and latencies.
SELECT format('INFO %s: %s calls, %s ok, %s refused%s, p50 %s ms, p99 %s ms', call_op, count(*),
              count(*) FILTER (WHERE outcome = 'ok'), count(*) FILTER (WHERE outcome = 'refused'),
              coalesce(' (' || (SELECT string_agg(s.sqlstate || ' ' || s.n, ', ' ORDER BY s.n DESC)
                                  FROM (SELECT j.sqlstate, count(*) AS n FROM journal j
                                         WHERE j.call_op = c.call_op AND j.outcome = 'refused'
                                         GROUP BY j.sqlstate) s) || ')', ''),
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_us) / 1000)::numeric, 1),
              round((percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_us) / 1000)::numeric, 1))
  FROM (SELECT DISTINCT ON (client, call) client, call, call_op, outcome, latency_us
          FROM journal ORDER BY client, call) c
 GROUP BY call_op ORDER BY count(*) DESC;
