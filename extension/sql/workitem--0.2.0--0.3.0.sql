-- workitem: upgrade from release 0.2.0 to 0.3.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; tests/upgrade/run proves that an updated 0.2.0 (and 0.1.0, through 0.2.0)
-- equals a fresh install (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- claim_next's fronts (issue 19, under bloat): each offer entry records the transaction that
-- offered it, and an index reads a principal's entries offered since a transaction id
-- (transition/claim_fronts.hpp). Existing entries take the updating transaction's id.
ALTER TABLE workitem.offer ADD COLUMN offered_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX offer_offered_since ON workitem.offer (tenant_id, queue, principal, offered_xid);
CREATE FUNCTION workitem.claim_next_fronts_statement(advance boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_claim_next_fronts_statement' LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION workitem.claim_next_fronts_statement(boolean) IS
    'Internal, for the tests (sql/claim_next_plans.sql): the text of the statement '
    'workitem_claim_next finds and locks its item with in a queue when it scans from its fronts '
    '(false), or of the one that moves its fronts after the claim (true). Granted to no role.';
SELECT workitem.apply_grants();
