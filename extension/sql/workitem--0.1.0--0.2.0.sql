-- workitem: upgrade from release 0.1.0 to 0.2.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; scripts/test-upgrade proves that an updated 0.1.0 equals a fresh install
-- (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- Advisory lock keys keyed with a per-database secret (issue 16, finding 6)
CREATE TABLE workitem.lock_secret (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    secret   bytea NOT NULL CHECK (length(secret) = 32)
);
COMMENT ON TABLE workitem.lock_secret IS
    'The per-database secret keying the extension''s advisory locks (one row; nobody may read it).';
INSERT INTO workitem.lock_secret (secret)
    SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));
ALTER TABLE workitem.lock_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lock_secret FORCE ROW LEVEL SECURITY;

-- Idempotency keys scoped per caller (issue 16, finding 10)
-- A stored key belongs to the calling role and the actor it acted as. Release 0.1.0 did not
-- record the role: an existing key is given to the actor of the events its call wrote (the
-- latest such event), as if that actor's own role had made the call - which is the case for users
-- and administrators acting as themselves; a service's retry of such a key runs as a new request.
-- Keys whose call wrote no event (a claim_next that found nothing) are dropped.
ALTER TABLE workitem.idempotency_key ADD COLUMN role_name text, ADD COLUMN actor text;
UPDATE workitem.idempotency_key k
   SET role_name = e.actor, actor = e.actor
  FROM (SELECT DISTINCT ON (v.tenant_id, v.idempotency_key) v.tenant_id, v.idempotency_key,
               v.actor
          FROM workitem.event v
         WHERE v.idempotency_key IS NOT NULL
         ORDER BY v.tenant_id, v.idempotency_key, v.seq DESC) AS e
 WHERE e.tenant_id = k.tenant_id AND e.idempotency_key = k.key;
DELETE FROM workitem.idempotency_key WHERE role_name IS NULL;
ALTER TABLE workitem.idempotency_key
    ALTER COLUMN role_name SET NOT NULL,
    ALTER COLUMN actor SET NOT NULL,
    DROP CONSTRAINT idempotency_key_pkey,
    ADD PRIMARY KEY (tenant_id, role_name, actor, key);
COMMENT ON TABLE workitem.idempotency_key IS
    'Outcomes of mutating calls made with an idempotency key, so a retry replays instead of '
    'acting twice. A key belongs to its caller: the tenant, the calling role (role_name) and the '
    'actor it acted as (a service acts for many). Purged after they expire.';

-- Visibility before everything on every operation (issue 16, finding 8)
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after. Errors: WI404 no such item, or one the actor may not see
(answered alike), WI422 no actor.$$;
