-- Wake-ups (docs/events.md, "Wake-ups"): workitem_await_work and workitem_await_events register a
-- one-shot wait and return the channels they LISTEN on. What a commit sends is tested with two
-- sessions: tests/isolation/specs/wakeups.spec.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never

SELECT count(*) FROM workitem_put_user('ann', '{red,blue}');
SELECT count(*) FROM workitem_put_user('bob', '{}');
SELECT workitem_consumer_create('relay');

-- The signatures.
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns
  FROM pg_proc p WHERE p.proname IN ('workitem_await_work', 'workitem_await_events')
 ORDER BY 1::text;

-- One channel per principal (the user and each group), each LISTENed on at commit.
SELECT cardinality(c) AS channels,
       (SELECT bool_and(x ~ '^workitem_wake_[0-9]+$') FROM unnest(c) AS x) AS named
  FROM workitem_await_work('ann') AS c;
SELECT count(*) = 3 AS listening FROM pg_listening_channels() AS l
 WHERE l IN (SELECT unnest(workitem_await_work('ann')));
-- A queue is another key: other channels (unless two keys share a slot), the same count.
SELECT cardinality(workitem_await_work('ann', 'q1')) AS channels,
       workitem_await_work('ann', 'q1') = workitem_await_work('ann', 'q1') AS stable,
       workitem_await_work('ann', 'q1') <> workitem_await_work('ann') AS per_queue;
SELECT cardinality(workitem_await_work('bob')) AS channels;
-- The events of the consumer's tenant.
SELECT workitem_await_events('relay') ~ '^workitem_wake_[0-9]+$' AS event_channel;
UNLISTEN *;

-- Errors.
SELECT workitem_await_work(NULL);
SELECT workitem_await_work('');
SELECT workitem_await_work('ann', '');
SELECT workitem_await_events(NULL);
SELECT workitem_await_events('nobody');

-- A user may wait only as itself.
CREATE ROLE wake_ann IN ROLE workitem_user;
SET ROLE wake_ann;
SELECT cardinality(workitem_await_work('wake_ann')) AS own_channels;
SELECT workitem_await_work('ann');
SELECT workitem_await_events('relay');
RESET ROLE;
UNLISTEN *;
DROP ROLE wake_ann;
