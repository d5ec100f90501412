-- workitem: upgrade from release 0.1.0 to 0.2.0 (in development).
-- Every change to the install script (extension/sql/workitem.sql and parts/) adds its step here in
-- the same commit; scripts/test-upgrade proves that an updated 0.1.0 equals a fresh install
-- (docs/upgrades.md).
\echo Use "ALTER EXTENSION workitem UPDATE" to load this file. \quit

-- Capabilities declared per object, grants derived from them (issue 16, deliverable 2).
CREATE TABLE workitem.required_capability (
    object     text PRIMARY KEY,
    capability text NOT NULL CHECK (capability IN ('reader', 'user', 'admin', 'service', 'superuser'))
);
COMMENT ON TABLE workitem.required_capability IS
    'The capability each function (by name: workitem_claim, workitem.viewer) and each table or view '
    '(workitem.item) requires; every grant of the extension derives from it.';
INSERT INTO workitem.required_capability VALUES ('workitem.required_capability', 'reader');

CREATE FUNCTION workitem.roles_with(capability text) RETURNS text[]
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
    RETURN CASE capability
        WHEN 'reader' THEN ARRAY['workitem_reader', 'workitem_user', 'workitem_admin', 'workitem_service']
        WHEN 'user' THEN ARRAY['workitem_user', 'workitem_admin', 'workitem_service']
        WHEN 'admin' THEN ARRAY['workitem_admin', 'workitem_service']
        WHEN 'service' THEN ARRAY['workitem_service']
        ELSE ARRAY[]::text[] END;
COMMENT ON FUNCTION workitem.roles_with(text) IS
    'The roles a capability (workitem.required_capability) is granted to.';

CREATE FUNCTION workitem.apply_grants() RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    member record;
    all_roles CONSTANT text := 'PUBLIC, workitem_reader, workitem_user, workitem_admin, workitem_service';
BEGIN
    FOR member IN
        SELECT d.classid = 'pg_catalog.pg_proc'::regclass AS is_function,
               CASE WHEN d.classid = 'pg_catalog.pg_proc'::regclass THEN d.objid::regprocedure::text
                    ELSE d.objid::regclass::text END AS signature,
               (SELECT array_to_string(workitem.roles_with(c.capability), ', ')
                  FROM workitem.required_capability c
                 WHERE c.object = CASE WHEN n.nspname = 'workitem' THEN 'workitem.' ELSE '' END
                                  || coalesce(p.proname, r.relname)) AS grantees
          FROM pg_catalog.pg_depend d
          LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objid
          LEFT JOIN pg_catalog.pg_class r ON d.classid = 'pg_catalog.pg_class'::regclass AND r.oid = d.objid
          JOIN pg_catalog.pg_namespace n ON n.oid = coalesce(p.pronamespace, r.relnamespace)
         WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
           AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'workitem')
           AND (p.oid IS NOT NULL OR r.relkind IN ('r', 'p', 'v', 'S'))
         ORDER BY 2
    LOOP
        IF member.is_function THEN
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM %s', member.signature, all_roles);
            IF member.grantees <> '' THEN
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', member.signature, member.grantees);
            END IF;
        ELSE
            EXECUTE format('REVOKE ALL ON %s FROM %s', member.signature, all_roles);
            IF member.grantees <> '' THEN
                EXECUTE format('GRANT SELECT ON %s TO %s', member.signature, member.grantees);
            END IF;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION workitem.apply_grants() IS
    'Grants every function and table of the extension to the roles of its declared capability '
    '(workitem.required_capability) and revokes everything else, PUBLIC included.';
INSERT INTO workitem.required_capability VALUES
    ('workitem.item', 'reader'),
    ('workitem.event', 'reader'),
    ('workitem.directory_user', 'reader'),
    ('workitem.group_member', 'reader'),
    ('workitem.current_tenant', 'reader'),
    ('workitem.viewer', 'reader'),
    ('workitem.viewer_sees_all', 'reader'),
    ('workitem.viewer_principals', 'reader'),
    ('workitem.visible', 'reader'),
    ('workitem_create', 'admin'),
    ('workitem_create_many', 'admin'),
    ('workitem_get', 'reader'),
    ('workitem_list', 'reader'),
    ('workitem_count', 'reader'),
    ('workitem_worklist', 'reader'),
    ('workitem_history', 'reader'),
    ('workitem_allowed_operations', 'reader'),
    ('workitem_claim', 'user'),
    ('workitem_claim_batch', 'user'),
    ('workitem_allocate', 'user'),
    ('workitem_allocate_batch', 'user'),
    ('workitem_start', 'user'),
    ('workitem_start_batch', 'user'),
    ('workitem_stop', 'user'),
    ('workitem_stop_batch', 'user'),
    ('workitem_release', 'user'),
    ('workitem_release_batch', 'user'),
    ('workitem_delegate', 'user'),
    ('workitem_delegate_batch', 'user'),
    ('workitem_resolve', 'user'),
    ('workitem_resolve_batch', 'user'),
    ('workitem_forward', 'user'),
    ('workitem_forward_batch', 'user'),
    ('workitem_suspend', 'user'),
    ('workitem_suspend_batch', 'user'),
    ('workitem_resume', 'user'),
    ('workitem_resume_batch', 'user'),
    ('workitem_complete', 'user'),
    ('workitem_complete_batch', 'user'),
    ('workitem_fail', 'user'),
    ('workitem_fail_batch', 'user'),
    ('workitem_skip', 'user'),
    ('workitem_skip_batch', 'user'),
    ('workitem_cancel', 'user'),
    ('workitem_cancel_batch', 'user'),
    ('workitem_mark_error', 'user'),
    ('workitem_mark_error_batch', 'user'),
    ('workitem_heartbeat', 'user'),
    ('workitem_heartbeat_batch', 'user'),
    ('workitem_update', 'user'),
    ('workitem_update_batch', 'user'),
    ('workitem_save_output', 'user'),
    ('workitem_save_output_batch', 'user'),
    ('workitem_claim_next', 'user'),
    ('workitem_cancel_workflow', 'admin'),
    ('workitem_put_user', 'admin'),
    ('workitem_put_users', 'admin'),
    ('workitem_register_validator', 'superuser'),
    ('workitem_unregister_validator', 'superuser'),
    ('workitem_register_strategy', 'superuser'),
    ('workitem_set_flag', 'admin'),
    ('workitem.items_by_state', 'reader'),
    ('workitem.oldest_offered', 'reader'),
    ('workitem.overdue_items', 'reader'),
    ('workitem_tick', 'admin'),
    ('workitem.timer_status', 'admin'),
    ('workitem.timer_failures', 'admin'),
    ('workitem_consumer_create', 'admin'),
    ('workitem_consumer_drop', 'admin'),
    ('workitem_next_batch', 'admin'),
    ('workitem_batch_events', 'admin'),
    ('workitem_finish_batch', 'admin'),
    ('workitem_consumer_rewind', 'admin'),
    ('workitem.event_lag_rows', 'admin'),
    ('workitem.event_lag', 'admin'),
    ('workitem_event_notify', 'superuser');

-- Keep this the last statement of the step: every object now exists, so the grants follow the
-- declarations (a later section goes above it).
SELECT workitem.apply_grants();
