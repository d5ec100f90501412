-- Who is calling and what it may see: the caller's tenant, capability and viewer, workitem.authorize
-- and the one visibility predicate (docs/security.md).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Internal helpers
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.current_tenant', 'reader');
CREATE FUNCTION workitem.current_tenant() RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_current_tenant'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.current_tenant() IS
    'The tenant the calling role acts in: workitem.tenant for a service (''default'' when unset), '
    'the role''s row in workitem.role_tenant for every other role (without one: ''default'' while '
    'no role is mapped, else WI403 unless workitem.unmapped_roles = ''default''). WI403 for a '
    'capability role (workitem_user, _admin, _reader, _service) reached by SET ROLE.';

-- Granted to every capability: it tells a caller its own capability (workitem.timer_status asks).
INSERT INTO workitem.required_capability VALUES ('workitem.caller_capability', 'reader');
CREATE FUNCTION workitem.caller_capability() RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_caller_capability'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.caller_capability() IS
    'What the call is authorized with: service, admin, user, reader, or service:<capability> for '
    'a service acting on behalf (workitem.on_behalf). The same refusals as current_tenant().';

-- For the SQL functions (PERFORM it, or make it their first DECLARE): WI403 unless the call's
-- capability is one the function declares (workitem.required_capability). A service acting on
-- behalf of an end user counts as that user's capability; a service that declares nothing has
-- every capability.
-- Granted to every capability: the monitoring views call it as their reader.
INSERT INTO workitem.required_capability VALUES ('workitem.authorize', 'reader');
CREATE FUNCTION workitem.authorize(fn text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    capability CONSTANT text := workitem.caller_capability();  -- WI403 for SET ROLE and the like
    needed CONSTANT text := (SELECT c.capability FROM workitem.required_capability c WHERE c.object = fn);
BEGIN
    IF capability = 'service' OR 'workitem_' || split_part(capability, ':', -1) = ANY (workitem.roles_with(needed)) THEN
        RETURN true;
    END IF;
    RAISE EXCEPTION '% needs the % capability; the call has %', fn, needed, capability
        USING ERRCODE = 'WI403',
              HINT = 'A service acting on behalf of an end user (workitem.on_behalf) has only that user''s capability.';
END;
$$;
COMMENT ON FUNCTION workitem.authorize(text) IS
    'WI403 unless the call''s capability (workitem.caller_capability) is one the function named '
    'declares in workitem.required_capability; true otherwise (so a DECLARE can run it first).';

INSERT INTO workitem.required_capability VALUES ('workitem.viewer', 'reader');
CREATE FUNCTION workitem.viewer(as_actor text DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'workitem_viewer'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer(text) IS
    'The user a read is done as: as_actor for a service, the calling role otherwise (WI403 if a '
    'non-service names someone else).';

INSERT INTO workitem.required_capability VALUES ('workitem.viewer_sees_all', 'reader');
CREATE FUNCTION workitem.viewer_sees_all(as_actor text DEFAULT NULL) RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_viewer_sees_all'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer_sees_all(text) IS
    'Whether the reader sees every item of its tenant: a service reading as itself, an '
    'administrator, or a read-only role (a service acting on behalf: as its declared capability).';

INSERT INTO workitem.required_capability VALUES ('workitem.viewer_principals', 'reader');
CREATE FUNCTION workitem.viewer_principals(as_actor text DEFAULT NULL) RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_viewer_principals'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION workitem.viewer_principals(text) IS
    'The viewer and its directory groups, as ''u:<user>'' and ''g:<group>''.';

-- The one visibility predicate: the row-level security policies and the read functions both use it.
-- (SQL, so it is inlined; each viewer_* call is a scalar subquery, evaluated once per query.)
INSERT INTO workitem.required_capability VALUES ('workitem.visible', 'reader');
CREATE FUNCTION workitem.visible(tenant text, owner text, created_by text, delegated_from text,
                                 candidates text[], administrators text[],
                                 as_actor text DEFAULT NULL)
    RETURNS boolean LANGUAGE sql STABLE
    RETURN tenant = (SELECT workitem.current_tenant())
       AND ((SELECT workitem.viewer_sees_all(as_actor))
            OR owner = (SELECT workitem.viewer(as_actor))
            OR created_by = (SELECT workitem.viewer(as_actor))
            OR delegated_from = (SELECT workitem.viewer(as_actor))
            OR candidates && (SELECT workitem.viewer_principals(as_actor))
            OR administrators && (SELECT workitem.viewer_principals(as_actor)));
COMMENT ON FUNCTION workitem.visible(text, text, text, text, text[], text[], text) IS
    'Whether an item is visible to the reader: same tenant, and the reader sees everything or is '
    'a stakeholder (potential owner, owner, delegator, initiator or administrator).';

CREATE FUNCTION workitem.principals_of(tenant text, user_id text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ARRAY['u:' || user_id]
           || ARRAY(SELECT 'g:' || m.group_id FROM workitem.group_member m
                     WHERE m.tenant_id = tenant AND m.user_id = principals_of.user_id)
$$;
COMMENT ON FUNCTION workitem.principals_of(text, text) IS
    'A user and the groups the directory says they belong to, as ''u:<user>'' / ''g:<group>''.';

CREATE FUNCTION workitem.raise_invalid(message text) RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '%', message USING ERRCODE = 'WI422';
END;
$$;
COMMENT ON FUNCTION workitem.raise_invalid(text) IS 'Raises WI422 (invalid input) with a message.';

