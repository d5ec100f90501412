-- Who may consume events: services (any tenant they pick, or every tenant at once) and
-- administrators (their own tenant). Users and readers may not; nobody reaches another
-- tenant's consumer or batch. Publications and the wake-up switch are a superuser's.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_ev_svc, wi_ev_boss, wi_ev_acme_boss, wi_ev_ann, wi_ev_bi;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE wi_ev_svc IN ROLE workitem_service;
CREATE ROLE wi_ev_boss IN ROLE workitem_admin;
CREATE ROLE wi_ev_acme_boss IN ROLE workitem_admin;
CREATE ROLE wi_ev_ann IN ROLE workitem_user;
CREATE ROLE wi_ev_bi IN ROLE workitem_reader;
-- Every role is mapped: once a database maps one, an unmapped role is refused (security_identity).
INSERT INTO workitem.role_tenant VALUES ('wi_ev_acme_boss', 'acme'), ('wi_ev_boss', 'default'),
    ('wi_ev_ann', 'default'), ('wi_ev_bi', 'default');

-- A service: consumers of the tenant it picks, and of every tenant.
SET ROLE wi_ev_svc;
SELECT workitem_consumer_create('svc-default') AS created;
SELECT workitem_consumer_create('svc-all', all_tenants => true) AS created;
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT workitem_consumer_create('svc-acme') AS created;
SELECT id FROM workitem_create('wf-1', 'Acme task', actor => 'engine');
COMMIT;
SELECT id FROM workitem_create('wf-1', 'Default task', actor => 'engine');
SELECT workitem_next_batch('svc-all') AS batch \gset
SELECT aggregateid, tenant_id FROM workitem_batch_events(:batch);
SELECT workitem_finish_batch(:batch) AS finished;
SELECT workitem_next_batch('svc-default') AS batch \gset
SELECT aggregateid, tenant_id FROM workitem_batch_events(:batch);
SELECT workitem_finish_batch(:batch) AS finished;
-- The lag view shows a service its tenant's consumers, the all-tenants ones and the slots.
SELECT kind, name, tenant_id FROM workitem.event_lag ORDER BY 2;
-- It may not create publications or switch the wake-up.
SELECT workitem.create_publication('svc_pub');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_event_notify(true);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- An administrator: consumers of its tenant only.
SET ROLE wi_ev_acme_boss;
SELECT workitem_consumer_create('boss-acme') AS created;
SELECT workitem_consumer_create('boss-all', all_tenants => true);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('svc-acme') AS batch \gset
SELECT aggregateid, tenant_id FROM workitem_batch_events(:batch);
SELECT workitem_finish_batch(:batch) AS finished;
-- The default tenant's and the all-tenants consumers are not there for it.
SELECT workitem_next_batch('svc-default');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('svc-all');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_consumer_drop('svc-all');
\echo :LAST_ERROR_SQLSTATE
SELECT kind, name, tenant_id FROM workitem.event_lag ORDER BY 2;
RESET ROLE;
-- Nor can an administrator switch tenants to reach another tenant's consumers.
SET ROLE wi_ev_boss;
SET workitem.tenant = 'acme';
SELECT workitem_next_batch('svc-acme');
\echo :LAST_ERROR_SQLSTATE
RESET workitem.tenant;
RESET ROLE;

-- Another tenant's open batch is not found, even by its id.
SET ROLE wi_ev_svc;
SELECT id FROM workitem_create('wf-2', 'Default again', actor => 'engine');
SELECT workitem_next_batch('svc-default') AS open_batch \gset
RESET ROLE;
SET ROLE wi_ev_acme_boss;
SELECT count(*) FROM workitem_batch_events(:open_batch);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_finish_batch(:open_batch);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wi_ev_boss;
SELECT count(*) AS default_admin_reads FROM workitem_batch_events(:open_batch);
RESET ROLE;

-- Users and readers may not consume, nor read the lag or the consumers' table.
SET ROLE wi_ev_ann;
SELECT workitem_consumer_create('mine');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_next_batch('svc-default');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.event_lag;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wi_ev_bi;
SELECT workitem_next_batch('svc-default');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM workitem.event_consumer;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- Nobody calls the internals directly.
SET ROLE wi_ev_svc;
SELECT count(*) FROM workitem.window_events(NULL, 0, 0, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT workitem.open_window(1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

SET client_min_messages = warning;
DROP EXTENSION workitem CASCADE;
DROP ROLE wi_ev_svc, wi_ev_boss, wi_ev_acme_boss, wi_ev_ann, wi_ev_bi;
