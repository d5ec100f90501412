-- The directory's reads and the removal of a user (issue 18): one user with their groups, users
-- keyset-paged (per group), groups with member counts, removal that leaves items alone, another
-- tenant's directory invisible, bounded inputs, the capability each needs.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
DROP ROLE IF EXISTS wi_dr_reader, wi_dr_user;
RESET client_min_messages;
\set SHOW_CONTEXT never

SELECT * FROM workitem_put_users('[{"user_id": "ann", "groups": ["approvers", "clerks"], "capacity": 3},
                                   {"user_id": "bob", "groups": ["approvers"]},
                                   {"user_id": "cy", "available": false},
                                   {"user_id": "di", "groups": ["clerks"]}]');
SET workitem.tenant = 'acme';
SELECT * FROM workitem_put_users('[{"user_id": "eve", "groups": ["approvers"]}]');
RESET workitem.tenant;

-- One user, with their groups in order.
SELECT tenant_id, user_id, available, capacity, away_until, groups FROM workitem_get_user('ann');
SELECT user_id, groups FROM workitem_get_user('cy');
SELECT * FROM workitem_get_user('nobody');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_get_user(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_get_user(repeat('x', 1001));
\echo :LAST_ERROR_SQLSTATE

-- Users in user_id order, a page at a time; per group.
SELECT user_id, groups FROM workitem_list_users();
SELECT user_id FROM workitem_list_users(page_size => 2);
SELECT user_id FROM workitem_list_users(after => 'bob', page_size => 2);
SELECT user_id FROM workitem_list_users(group_id => 'approvers');
SELECT user_id FROM workitem_list_users(group_id => 'nobody');
SELECT user_id FROM workitem_list_users(page_size => 0);
\echo :LAST_ERROR_SQLSTATE
SELECT user_id FROM workitem_list_users(page_size => 10001);
\echo :LAST_ERROR_SQLSTATE
SELECT user_id FROM workitem_list_users(after => repeat('x', 1001));
\echo :LAST_ERROR_SQLSTATE

-- Groups with member counts, paged.
SELECT * FROM workitem_list_groups();
SELECT * FROM workitem_list_groups(after => 'approvers', page_size => 1);
SELECT * FROM workitem_list_groups(page_size => NULL);
\echo :LAST_ERROR_SQLSTATE

-- Another tenant's directory is invisible: eve is acme's, and acme sees only her.
SELECT * FROM workitem_get_user('eve');
\echo :LAST_ERROR_SQLSTATE
SET workitem.tenant = 'acme';
SELECT tenant_id, user_id, groups FROM workitem_list_users();
SELECT * FROM workitem_list_groups();
SELECT * FROM workitem_get_user('ann');
\echo :LAST_ERROR_SQLSTATE
-- Removing ann in acme removes nothing (she is not acme's).
SELECT workitem_delete_user('ann') AS removed;
RESET workitem.tenant;

-- Removal changes only the directory: bob's held item stays his, the item offered to him stays
-- offered, and his memberships go.
SELECT id, state FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"users": ["bob"]}}');
SELECT id, state FROM workitem_create('wf-1', 'Review', '{"potential_owners": {"users": ["bob", "ann"]}}');
SELECT id, state, owner FROM workitem_claim(1, 'bob');
SELECT workitem_delete_user('bob') AS removed;
SELECT workitem_delete_user('bob') AS removed_again;
SELECT id, state, owner, version FROM workitem.item ORDER BY id;
SELECT count(*) AS bob_memberships FROM workitem.group_member WHERE user_id = 'bob';
SELECT * FROM workitem_list_groups();
SELECT workitem_delete_user(NULL);
\echo :LAST_ERROR_SQLSTATE
SET workitem.tenant = 'acme';
SELECT user_id FROM workitem_list_users();
RESET workitem.tenant;

-- Readers may read the directory; only administrators may remove a user.
CREATE ROLE wi_dr_reader IN ROLE workitem_reader;
CREATE ROLE wi_dr_user IN ROLE workitem_user;
SET ROLE wi_dr_reader;
SELECT user_id FROM workitem_list_users(page_size => 1);
SELECT count(*) AS groups FROM workitem_list_groups();
SELECT user_id FROM workitem_get_user('ann');
SELECT workitem_delete_user('ann');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE wi_dr_user;
SELECT workitem_delete_user('ann');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT user_id FROM workitem_list_users();
DROP ROLE wi_dr_reader, wi_dr_user;
