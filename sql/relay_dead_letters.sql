-- The relay's dead letters (docs/relay.md, Dead letters): workitem-relay records an event a sink
-- gave up on, an operator lists, shows, replays or drops it. Each dead letter belongs to its
-- event's tenant: its administrators see it, services see every tenant's, nobody else any.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_dl_svc, wi_dl_boss, wi_dl_acme_boss, wi_dl_ann;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE wi_dl_svc IN ROLE workitem_service;
CREATE ROLE wi_dl_boss IN ROLE workitem_admin;
CREATE ROLE wi_dl_acme_boss IN ROLE workitem_admin;
CREATE ROLE wi_dl_ann IN ROLE workitem_user;
INSERT INTO workitem.role_tenant VALUES ('wi_dl_acme_boss', 'acme'), ('wi_dl_boss', 'default'),
    ('wi_dl_ann', 'default');

SET client_min_messages = error;  -- items nobody can claim warn
SELECT id AS default_item FROM workitem_create('wf-1', 'Default task', actor => 'engine') \gset
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT id AS acme_item FROM workitem_create('wf-1', 'Acme task', actor => 'engine') \gset
COMMIT;
RESET client_min_messages;
SELECT seq AS default_seq, id AS default_event FROM workitem.event WHERE aggregateid = :default_item \gset
SELECT seq AS acme_seq, id AS acme_event FROM workitem.event WHERE aggregateid = :acme_item \gset

-- The relay (a service) records both; the row holds the event as the table has it.
SET ROLE wi_dl_svc;
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, :'default_event',
       'permanent: http_400', 'HTTP 400: {"error": "bad"}', 1) AS default_letter \gset
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :acme_seq, :'acme_event',
       'attempts: http_503', NULL, 10) AS acme_letter \gset
-- The same event for the same sink again (a batch that came again after a crash): the same row.
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, :'default_event',
       'permanent: http_400', NULL, 1) = :default_letter AS same_letter;
SELECT tenant_id, sink, consumer, event_type, reason, attempts, state,
       event ->> 'id' = :'default_event' AS holds_event, (event -> 'payload' -> 'item' ->> 'id')::bigint = :default_item AS holds_payload
  FROM workitem.relay_dead_letter_get(:default_letter);
SELECT tenant_id, reason FROM workitem.relay_dead_letters() ORDER BY id;
-- Bad input, and events that do not exist.
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, '00000000-0000-4000-8000-000000000000', 'x', NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.relay_dead_letter_add('', 'relay.hook', :default_seq, :'default_event', 'x', NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, :'default_event', 'x', NULL, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.relay_dead_letters(state => 'lost');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.relay_dead_letters(max_rows => 0);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A tenant's administrator sees and resolves its tenant's only.
SET ROLE wi_dl_acme_boss;
SELECT tenant_id, sink FROM workitem.relay_dead_letters();
SELECT count(*) FROM workitem.relay_dead_letter;  -- row-level security on direct reads
SELECT id FROM workitem.relay_dead_letter_get(:default_letter);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, :'default_event', 'x', NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT state FROM workitem.relay_dead_letter_resolve(:default_letter, 'dropped');
\echo :LAST_ERROR_SQLSTATE
SELECT state, resolved_by IS NOT NULL AS recorded FROM workitem.relay_dead_letter_resolve(:acme_letter, 'dropped');
SELECT state FROM workitem.relay_dead_letter_resolve(:acme_letter, 'replayed');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A user may not touch them.
SET ROLE wi_dl_ann;
SELECT count(*) FROM workitem.relay_dead_letters();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.relay_dead_letter;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- The service replays the default tenant's; a dead letter made again after a replay is dead again.
SET ROLE wi_dl_svc;
SELECT state FROM workitem.relay_dead_letter_resolve(:default_letter, 'replayed');
SELECT sink, state FROM workitem.relay_dead_letters(state => 'replayed');
SELECT sink, state FROM workitem.relay_dead_letters(state => 'dropped');
SELECT workitem.relay_dead_letter_add('hook', 'relay.hook', :default_seq, :'default_event',
       'attempts: timeout', NULL, 10) = :default_letter AS same_letter;
SELECT state, reason, resolved_at IS NULL AS unresolved FROM workitem.relay_dead_letter_get(:default_letter);
-- Another sink's dead letter of the same event is its own.
SELECT workitem.relay_dead_letter_add('audit', 'relay.audit', :default_seq, :'default_event',
       'permanent: http_410', NULL, 1) <> :default_letter AS own_letter;
SELECT sink FROM workitem.relay_dead_letters(sink => 'audit');
RESET ROLE;

DROP ROLE wi_dl_svc, wi_dl_boss, wi_dl_acme_boss, wi_dl_ann;
