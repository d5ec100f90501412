-- Leases for workers' claims: their defaults, and the work held without one (docs/domain.md §5).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

-- Default leases for workers' claims (docs/domain.md §5): per queue or task of a tenant, cached
-- in every backend (reloaded when this table changes), so a claim never reads the table.
CREATE TABLE workitem.lease_default (
    tenant_id     text NOT NULL,
    queue         text,
    task_name     text,
    lease_seconds integer NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lease_default_queue_or_task CHECK ((queue IS NULL) <> (task_name IS NULL)),
    CONSTRAINT lease_default_positive CHECK (lease_seconds BETWEEN 1 AND 366 * 24 * 3600)
);
CREATE UNIQUE INDEX lease_default_key
    ON workitem.lease_default (tenant_id, coalesce(queue, ''), coalesce(task_name, ''));
COMMENT ON TABLE workitem.lease_default IS
    'The lease a worker''s claim (claim_next) takes in a queue or of a task when neither the call '
    'nor the assignment names one; a task''s wins over its queue''s, both over '
    'workitem.default_lease_seconds. Set through workitem_set_lease_default.';
CREATE TRIGGER lease_default_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON workitem.lease_default FOR EACH STATEMENT EXECUTE FUNCTION workitem.invalidate_caches();
ALTER TABLE workitem.lease_default ENABLE ROW LEVEL SECURITY;
ALTER TABLE workitem.lease_default FORCE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('workitem.lease_default', '');

INSERT INTO workitem.required_capability VALUES ('workitem_set_lease_default', 'admin');
CREATE FUNCTION @extschema@.workitem_set_lease_default(
    queue text DEFAULT NULL, task_name text DEFAULT NULL, lease_seconds integer DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    previous integer;
BEGIN
    PERFORM workitem.authorize('workitem_set_lease_default');
    IF (queue IS NULL) = (task_name IS NULL) THEN
        PERFORM workitem.raise_invalid('name exactly one of queue and task_name');
    ELSIF octet_length(coalesce(queue, task_name)) > 1000 THEN
        PERFORM workitem.raise_invalid(CASE WHEN queue IS NULL THEN 'task_name' ELSE 'queue' END
                                       || ' is longer than 1000 bytes');
    ELSIF lease_seconds < 1 OR lease_seconds > 366 * 24 * 3600 THEN
        PERFORM workitem.raise_invalid('lease_seconds must be between 1 and 31622400');
    END IF;
    DELETE FROM workitem.lease_default d
     WHERE d.tenant_id = tenant AND d.queue IS NOT DISTINCT FROM workitem_set_lease_default.queue
       AND d.task_name IS NOT DISTINCT FROM workitem_set_lease_default.task_name
    RETURNING d.lease_seconds INTO previous;
    IF lease_seconds IS NOT NULL THEN
        INSERT INTO workitem.lease_default (tenant_id, queue, task_name, lease_seconds)
        VALUES (tenant, workitem_set_lease_default.queue, workitem_set_lease_default.task_name,
                workitem_set_lease_default.lease_seconds);
    END IF;
    RETURN previous;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_set_lease_default(text, text, integer) IS
$$Sets (lease_seconds) or removes (lease_seconds NULL) the default lease of a worker's claim
(workitem_claim_next, workitem_acknowledge_and_claim_next) in one queue or of one task of the
current tenant: what the claim takes when neither the call's lease_seconds nor the item's
assignment names one. A task's default wins over its queue's; without either the claim takes
workitem.default_lease_seconds (300 s). Claims by id (workitem_claim, workitem_start) never take
it. Takes effect in every session at its next transaction. Returns the default it replaced (NULL:
none). Errors: WI422 neither or both of queue and task_name, a name over 1000 bytes, lease_seconds
outside 1..31622400; WI403 a service acting on behalf of a user or reader.$$;

-- Work held without a lease nobody will give back on its own: a person's claim, or a worker's
-- claim made with workitem.default_lease_seconds = 0 (or before the default lease existed).
INSERT INTO workitem.required_capability VALUES ('workitem.stranded_items', 'reader');
CREATE VIEW workitem.stranded_items WITH (security_invoker = true) AS
    SELECT tenant_id, id, queue, task_name, state, owner, updated_at AS unchanged_since,
           now() - updated_at AS unchanged_for
      FROM workitem.item
     WHERE state IN ('allocated', 'started') AND lease_until IS NULL
       AND updated_at < now() - coalesce(
               nullif(pg_catalog.current_setting('workitem.stranded_after', true), '')::interval,
               interval '24 hours');
COMMENT ON VIEW workitem.stranded_items IS
    'Items held (allocated or started) without a lease and unchanged for longer than '
    'workitem.stranded_after (24 hours): no timer will give them back. Release, reallocate or '
    'cancel them.';
