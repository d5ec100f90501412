-- The directory in bulk: an application syncs many users at once.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS workitem CASCADE;
\i sql/include/create_extension.sql
RESET client_min_messages;
\set SHOW_CONTEXT never
SELECT * FROM workitem_put_users((SELECT jsonb_agg(jsonb_build_object('user_id', 'u' || n, 'groups', jsonb_build_array('g' || (n % 10), 'all'), 'capacity', n % 3)) FROM generate_series(1, 2000) AS n));
SELECT count(*) AS users, count(DISTINCT capacity) AS capacities FROM workitem.directory_user;
SELECT group_id, count(*) FROM workitem.group_member WHERE group_id IN ('all', 'g1') GROUP BY group_id ORDER BY 1;
-- A second sync replaces each named user's groups and attributes; others stay...
SELECT * FROM workitem_put_users('[{"user_id": "u1", "groups": ["g2"], "available": false, "away_until": "2100-01-01T00:00:00Z"}]');
SELECT user_id, available, away_until IS NOT NULL AS away, capacity FROM workitem.directory_user WHERE user_id = 'u1';
SELECT array_agg(group_id ORDER BY group_id) AS u1_groups FROM workitem.group_member WHERE user_id = 'u1';
SELECT count(*) AS users_kept FROM workitem.directory_user;
-- ...unless the sync replaces all: the users not named leave, with their memberships.
SELECT * FROM workitem_put_users('[{"user_id": "u1", "groups": ["g2"]}, {"user_id": "u2"}]', replace_all => true);
SELECT user_id FROM workitem.directory_user ORDER BY 1;
SELECT count(*) AS memberships FROM workitem.group_member;
-- Malformed syncs change nothing.
SELECT * FROM workitem_put_users('[{"user_id": "system"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_put_users('[{"user_id": "x", "colour": "red"}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_put_users('[{"user_id": "x", "capacity": -2}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_put_users('[{"user_id": "x", "groups": [1]}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_put_users('[{"groups": ["a"]}]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM workitem_put_users(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT user_id FROM workitem.directory_user ORDER BY 1;
