-- Items nobody can take are created, not silently (docs/domain.md §3): an item offered to no
-- potential owner, or only to groups without members and users the tenant's directory does not
-- know, comes with a WARNING; so does a worklist asked for a user the directory does not know.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never

-- A tenant that keeps no directory offers to users by name: no warning for them.
SELECT state FROM workitem_create('wf', 'By name', '{"potential_owners": {"users": ["ann"]}}');
-- Groups get members only from the directory: a group nobody is in reaches nobody.
SELECT state FROM workitem_create('wf', 'To a group', '{"potential_owners": {"groups": ["reds"]}}');
-- No potential owners at all.
SELECT state FROM workitem_create('wf', 'To nobody');

SELECT user_id FROM workitem_put_user('ann', '{red}');
-- Now the tenant keeps a directory: an unknown user, a misspelt group, and one of each.
SELECT state FROM workitem_create('wf', 'Misspelt', '{"potential_owners": {"users": ["zed"], "groups": ["reds"]}}');
SELECT state FROM workitem_create('wf', 'Partly', '{"potential_owners": {"users": ["ann", "zed", "zed"], "groups": ["red"]}}');
-- Everyone known: no warning; nor for an item someone holds.
SELECT state FROM workitem_create('wf', 'Known', '{"potential_owners": {"users": ["ann"], "groups": ["red"]}}');
SELECT state, owner FROM workitem_create('wf', 'Held', '{"strategy": "direct", "potential_owners": {"users": ["ann"]}}');
-- An item that waits for its activation is offered to nobody just the same.
SELECT state FROM workitem_create('wf', 'Later', activate_at => now() + interval '1 hour');

-- A batch warns once, for every element concerned; refused elements are not counted.
SELECT element, ok, sqlstate FROM workitem_create_many(
    '[{"workflow_id": "wf", "task_name": "A", "assignment": {"potential_owners": {"groups": ["red"]}}},
      {"workflow_id": "wf", "task_name": "B"},
      {"workflow_id": "wf", "task_name": "C", "assignment": {"potential_owners": {"groups": ["blu"]}}},
      {"workflow_id": "wf"}]');

-- The worklist of a user the directory does not know says so; of one it knows, it does not.
SELECT count(*) FROM workitem_worklist('zed');
SELECT count(*) FROM workitem_worklist('ann');
-- In another tenant, which keeps no directory, nothing to say.
SET workitem.tenant = 'acme';
SELECT count(*) FROM workitem_worklist('zed');
RESET workitem.tenant;
