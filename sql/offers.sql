-- The offer entries (workitem.offer, docs/architecture.md): one row per potential owner of each
-- offered item and none for any other item, whatever changed it - every operation that enters
-- or leaves 'offered' or changes an offered item's people, queue, task, priority, due date or
-- expiry, the timer's, and a direct change in SQL. After each step the entries are compared
-- with what the items say they should be.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT count(*) FROM (SELECT workitem_put_user(u, g) FROM (VALUES ('ann', '{red}'::text[]), ('bob', '{red,blue}'), ('cy', '{}')) AS v(u, g)) AS s;

-- What the entries should be, and where they differ from what they are (expected: nothing).
CREATE VIEW offer_drift AS
WITH wanted AS (
    SELECT i.id AS item_id, p.principal, i.tenant_id, i.queue, i.task_name, i.priority, i.due_at,
           i.expires_at, i.excluded
      FROM workitem.item i, LATERAL (SELECT DISTINCT unnest(i.candidates)) AS p(principal)
     WHERE i.state = 'offered'),
offer_rows AS (
    SELECT item_id, principal, tenant_id, queue, task_name, priority, due_at, expires_at, excluded
      FROM workitem.offer)
(SELECT 'missing' AS drift, * FROM wanted EXCEPT SELECT 'missing', * FROM offer_rows)
UNION ALL
(SELECT 'stale', * FROM offer_rows EXCEPT SELECT 'stale', * FROM wanted);
CREATE FUNCTION check_offers(step text) RETURNS TABLE (step text, drift text, item_id bigint, principal text)
    LANGUAGE sql AS $$ SELECT step, d.drift, d.item_id, d.principal FROM offer_drift d $$;

CREATE TEMP TABLE ids (label text PRIMARY KEY, id bigint);
INSERT INTO ids SELECT 'a', id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": ["ann"], "groups": ["red"]}}', queue => 'q');
INSERT INTO ids SELECT 'b', id FROM workitem_create('wf', 'T', '{"potential_owners": {"groups": ["red", "blue"]}, "excluded_owners": {"users": ["bob"]}, "administrators": {"users": ["boss"]}}', priority => 3);
INSERT INTO ids SELECT 'c', id FROM workitem_create('wf', 'T', '{"potential_owners": {"users": ["cy"]}}', activate_at => now() + interval '1 hour');
INSERT INTO ids SELECT 'd', id FROM workitem_create('wf', 'T', '{"strategy": "direct", "potential_owners": {"users": ["ann"]}}');
SELECT * FROM check_offers('created');
SELECT count(*) AS entries FROM workitem.offer;

SELECT state FROM workitem_claim((SELECT id FROM ids WHERE label = 'a'), 'ann');
SELECT * FROM check_offers('claimed');
SELECT state FROM workitem_release((SELECT id FROM ids WHERE label = 'a'), 'ann');
SELECT * FROM check_offers('released');
-- The entries a release writes are new rows, marked with the releasing transaction: claim_next's
-- fronts read the entries offered since their last scan by this mark (docs/architecture.md).
BEGIN;
SELECT state FROM workitem_claim((SELECT id FROM ids WHERE label = 'a'), 'ann');
SELECT state FROM workitem_release((SELECT id FROM ids WHERE label = 'a'), 'ann');
SELECT count(*) AS entries, bool_and(offered_xid = pg_current_xact_id()) AS marked_by_the_release
  FROM workitem.offer WHERE item_id = (SELECT id FROM ids WHERE label = 'a');
COMMIT;
SELECT priority FROM workitem_update((SELECT id FROM ids WHERE label = 'a'), 'postgres', priority => 7, due_at => '2030-01-01');
SELECT * FROM check_offers('updated');
SELECT state FROM workitem_forward((SELECT id FROM ids WHERE label = 'b'), 'boss', '{"potential_owners": {"users": ["cy"]}}');
SELECT * FROM check_offers('forwarded');
SELECT state FROM workitem_suspend((SELECT id FROM ids WHERE label = 'b'), 'boss');
SELECT * FROM check_offers('suspended');
SELECT state FROM workitem_resume((SELECT id FROM ids WHERE label = 'b'), 'boss');
SELECT * FROM check_offers('resumed');
SELECT state FROM workitem_claim_next('cy');
SELECT * FROM check_offers('claimed next');
SELECT state FROM workitem_release((SELECT id FROM ids WHERE label = 'd'), 'ann');
SELECT * FROM check_offers('direct item released');
SELECT state FROM workitem_cancel((SELECT id FROM ids WHERE label = 'd'), 'postgres');
SELECT * FROM check_offers('cancelled');
-- The timer activates the waiting item.
UPDATE workitem.item SET activate_at = now() - interval '1 second' WHERE id = (SELECT id FROM ids WHERE label = 'c');
SELECT * FROM check_offers('direct change');
SELECT count(*) > 0 AS ticked FROM workitem_tick() WHERE done > 0;
SELECT state FROM workitem.item WHERE id = (SELECT id FROM ids WHERE label = 'c');
SELECT * FROM check_offers('activated');
-- A batch, and a direct change of an offered item's queue in SQL.
SELECT count(*) FROM workitem_create_many('[{"workflow_id": "wf", "task_name": "M", "assignment": {"potential_owners": {"groups": ["red"]}}},
                                            {"workflow_id": "wf", "task_name": "M", "assignment": {"potential_owners": {"users": ["bob", "ann"]}}}]');
UPDATE workitem.item SET queue = 'other' WHERE task_name = 'M';
SELECT * FROM check_offers('batch, then moved');
DELETE FROM workitem.item WHERE task_name = 'M';
SELECT * FROM check_offers('deleted');
SELECT count(*) AS entries FROM workitem.offer;
