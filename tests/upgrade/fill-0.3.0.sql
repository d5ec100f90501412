-- What release 0.3.0 adds, filled after fill.sql and fill-0.2.0.sql into a database that has
-- 0.3.0 or later (tests/upgrade/run): a declared search field (docs/search.md) and an item
-- created after it, so that pg_dump and pg_restore carry the declarations and the search rows.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

SELECT workitem_index_field('Approve', 'amount', 'numeric');
SELECT id FROM workitem_create('wf-30', 'Approve', '{"potential_owners": {"users": ["erin"]}}',
                               input => '{"amount": 1234, "customer": {"tier": "gold"}}');
