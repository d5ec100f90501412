-- Task forms (docs/tasklist.md, Forms): the JSON Schema of a task's output, per tenant, that the
-- task inbox renders. Administrators and services set it for their tenant; every capability of the
-- tenant reads it; another tenant's is never seen.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_tf_boss, wi_tf_acme_boss, wi_tf_ann, wi_tf_bi;
RESET client_min_messages;
\set SHOW_CONTEXT never

CREATE ROLE wi_tf_boss IN ROLE workitem_admin;
CREATE ROLE wi_tf_acme_boss IN ROLE workitem_admin;
CREATE ROLE wi_tf_ann IN ROLE workitem_user;
CREATE ROLE wi_tf_bi IN ROLE workitem_reader;
INSERT INTO workitem.role_tenant VALUES ('wi_tf_boss', 'default'), ('wi_tf_acme_boss', 'acme'),
    ('wi_tf_ann', 'default'), ('wi_tf_bi', 'default');

-- An administrator sets, replaces and removes its tenant's form; each call returns what it replaced.
SET ROLE wi_tf_boss;
SELECT workitem_set_task_form('Approve', '{"type": "object", "properties": {"approved": {"type": "boolean"}}}') AS replaced;
SELECT workitem_set_task_form('Approve', '{"type": "object", "required": ["approved"], "properties": {"approved": {"type": "boolean"}, "note": {"type": "string"}}}') AS replaced;
SELECT workitem_task_form('Approve') AS form;
SELECT workitem_set_task_form('Scratch', '{"type": "object"}') AS replaced;
SELECT workitem_set_task_form('Scratch') AS removed;
SELECT workitem_task_form('Scratch') AS no_form;
-- bad input
SELECT workitem_set_task_form('Approve', '[1, 2]');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_task_form('', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_task_form(repeat('t', 1001), '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_set_task_form('Big', jsonb_build_object('description', repeat('x', 70000)));
\echo :LAST_ERROR_SQLSTATE
SELECT workitem_task_form(NULL);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- A user and a reader of the tenant read it, and may not change it.
SET ROLE wi_tf_ann;
SELECT workitem_task_form('Approve') -> 'required' AS user_reads;
SELECT workitem_set_task_form('Approve', '{}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wi_tf_bi;
SELECT workitem_task_form('Approve') IS NOT NULL AS reader_reads;
SELECT workitem_set_task_form('Approve');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- Another tenant's administrator sees none of it, and its own form is its own.
SET ROLE wi_tf_acme_boss;
SELECT workitem_task_form('Approve') AS other_tenant_sees_nothing;
SELECT workitem_set_task_form('Approve', '{"type": "object", "title": "acme"}') AS acme_replaced;
SELECT count(*) AS direct_reads FROM workitem.task_form;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wi_tf_boss;
SELECT workitem_task_form('Approve') ->> 'title' AS still_default_title;
RESET ROLE;
SELECT tenant_id, task_name, output_schema ->> 'title' AS title FROM workitem.task_form ORDER BY 1, 2;

SET client_min_messages = warning;
DROP EXTENSION workitem CASCADE;
DROP ROLE wi_tf_boss, wi_tf_acme_boss, wi_tf_ann, wi_tf_bi;
