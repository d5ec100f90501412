-- Search never reveals what the reader may not see (docs/search.md, docs/security.md): another
-- tenant's items, and in one's own tenant the items a user is no stakeholder of, are neither
-- listed nor counted by any business-data filter; the declared fields are per tenant, and
-- declaring one needs the admin capability.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS se_user, se_reader, se_admin, se_other, se_service;
RESET client_min_messages;

CREATE ROLE se_user IN ROLE workitem_user;
CREATE ROLE se_reader IN ROLE workitem_reader;
CREATE ROLE se_admin IN ROLE workitem_admin;
CREATE ROLE se_other IN ROLE workitem_admin;
CREATE ROLE se_service IN ROLE workitem_service;
INSERT INTO workitem.role_tenant VALUES ('se_user', 'acme'), ('se_reader', 'acme'),
                                        ('se_admin', 'acme'), ('se_other', 'other');

CREATE FUNCTION try(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    answer text;
BEGIN
    EXECUTE statement INTO answer;
    RETURN answer;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END;
$$;
GRANT EXECUTE ON FUNCTION try(text) TO PUBLIC;

-- In acme: one item se_user may take, one naming somebody else, both gold; the same in other.
BEGIN;
SET LOCAL workitem.tenant = 'acme';
SELECT workitem_index_field(NULL, 'amount', 'numeric');
SELECT id FROM workitem_create('wf-a1', 'Approve', '{"potential_owners": {"users": ["se_user"]}}',
                               input => '{"tier": "gold", "amount": 10}');
SELECT id FROM workitem_create('wf-a2', 'Approve', '{"potential_owners": {"users": ["someone"]}}',
                               input => '{"tier": "gold", "amount": 20}');
COMMIT;
BEGIN;
SET LOCAL workitem.tenant = 'other';
SELECT workitem_index_field(NULL, 'amount', 'text');
SELECT id FROM workitem_create('wf-o1', 'Approve', '{"potential_owners": {"users": ["se_user"]}}',
                               input => '{"tier": "gold", "amount": "30"}');
COMMIT;

-- Each role, each filter form: what it lists and what it counts.
CREATE TEMP TABLE calls (name text, call text);
GRANT SELECT ON calls TO PUBLIC;
INSERT INTO calls VALUES
  ('contains', $$SELECT array_agg(id ORDER BY id)::text FROM workitem_list(input_contains => '{"tier": "gold"}')$$),
  ('path', $$SELECT array_agg(id ORDER BY id)::text FROM workitem_list(input_path => '$.amount > 0')$$),
  ('fields', $$SELECT array_agg(id ORDER BY id)::text FROM workitem_list(fields => '{"amount": {">": 0}}')$$),
  ('sorted', $$SELECT array_agg(id)::text FROM workitem_list(sort => 'field:amount')$$),
  ('count contains', $$SELECT workitem_count(input_contains => '{"tier": "gold"}')::text$$),
  ('count path', $$SELECT workitem_count(input_path => '$.amount > 0')::text$$),
  ('count fields', $$SELECT workitem_count(fields => '{"amount": {">": 0}}')::text$$),
  ('worklist', $$SELECT array_agg(id)::text FROM workitem_worklist(current_user::text, input_contains => '{"tier": "gold"}')$$),
  ('declare', $$SELECT workitem_index_field(NULL, 'tier', 'text')::text$$),
  ('declared', $$SELECT string_agg(field || ':' || type, ',') FROM workitem_index_fields()$$);
SET ROLE se_user;
SELECT name, try(call) AS se_user FROM calls;
SET ROLE se_reader;
SELECT name, try(call) AS se_reader FROM calls;
SET ROLE se_other;
SELECT name, try(call) AS se_other FROM calls;
RESET ROLE;

-- No role reads the search tables directly.
SELECT t, r, has_table_privilege(r, t, 'SELECT') AS may_read
  FROM unnest(ARRAY['workitem.item_search', 'workitem.item_field_value', 'workitem.search_field']) AS t,
       unnest(ARRAY['workitem_reader', 'workitem_user', 'workitem_admin', 'workitem_service']) AS r
 WHERE has_table_privilege(r, t, 'SELECT');
-- A service reading as a user sees what that user sees.
SET ROLE se_service;
SET workitem.tenant = 'acme';
SELECT try($$SELECT array_agg(id ORDER BY id)::text FROM workitem_list(input_contains => '{"tier": "gold"}', actor => 'se_user')$$) AS as_se_user;
RESET ROLE;
RESET workitem.tenant;
