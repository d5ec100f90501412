-- workitem: workflow work items inside PostgreSQL.
-- This is the first file of the install script of the version in development: the schema, the
-- roles and the capability declarations; the rest is parts/*.sql, one capability a file, in name
-- order, the privileges last (parts/99-grants.sql). `make` writes them together to
-- workitem--<version>.sql. Every change adds its step to the upgrade script
-- workitem--<previous>--<version>.sql in the same commit (docs/upgrades.md).
\echo Use "CREATE EXTENSION workitem" to load this file. \quit

-- Internal objects live in the schema `workitem`; the public functions live in the schema
-- chosen at CREATE EXTENSION (@extschema@, public by default) so psql users call them unqualified.
CREATE SCHEMA workitem;
COMMENT ON SCHEMA workitem IS 'Internal tables, types and helpers of the workitem extension.';
REVOKE ALL ON SCHEMA workitem FROM PUBLIC;

-- The four roles of domain.md §6. Roles are cluster-wide: created once, kept by DROP EXTENSION.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['workitem_reader', 'workitem_user', 'workitem_service',
                                     'workitem_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
        END IF;
    END LOOP;
END;
$$;

--------------------------------------------------------------------------------------------------
-- Who may call each function and read each table or view (docs/security.md). Each object
-- declares its capability once, on the line above its definition; workitem.apply_grants(), run
-- at the end of the install and of every upgrade, derives every GRANT from these rows, and the
-- security matrix test derives what each role must be allowed and refused from them. A public
-- workitem_* function without a row fails that test; an internal object without one is granted
-- to nobody.
--   reader:    workitem_reader, workitem_user, workitem_admin, workitem_service
--   user:      workitem_user, workitem_admin, workitem_service
--   admin:     workitem_admin, workitem_service
--   service:   workitem_service
--   superuser: nobody (superusers only)
--------------------------------------------------------------------------------------------------
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
