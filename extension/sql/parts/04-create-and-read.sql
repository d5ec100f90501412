-- Creating items and reading them: create, create_many, get, list, count, worklist, history,
-- allowed_operations.
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Creating and reading items
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_create', 'admin');
CREATE FUNCTION @extschema@.workitem_create(
    workflow_id     text,
    task_name       text,
    assignment      jsonb DEFAULT '{}',
    input           jsonb DEFAULT NULL,
    priority        integer DEFAULT 0,
    queue           text DEFAULT NULL,
    due_at          timestamptz DEFAULT NULL,
    activate_at     timestamptz DEFAULT NULL,
    expires_at      timestamptz DEFAULT NULL,
    skippable       boolean DEFAULT false,
    step_ref        text DEFAULT NULL,
    actor           text DEFAULT NULL,
    idempotency_key text DEFAULT NULL,
    run_id          text DEFAULT NULL,
    follow_up_at    timestamptz DEFAULT NULL,
    deadlines       jsonb DEFAULT NULL)
    RETURNS workitem.item
    AS 'MODULE_PATHNAME', 'workitem_create'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_create(text, text, jsonb, jsonb, integer, text, timestamptz, timestamptz, timestamptz, boolean, text, text, text, text, timestamptz, jsonb) IS
$$Creates a work item and places it by its distribution strategy; returns the new item.
One `workitem.created` event records the final state.
assignment: {"potential_owners": {"users": [...], "groups": [...]}, "excluded_owners": {...},
  "administrators": {...}, "strategy": "offer" | "direct" | "round_robin" | "shortest_queue" |
  "random" | "retain_familiar", "constraints": {"four_eyes_with": [...], "retain_familiar": "step"},
  "lease_seconds": n, "max_lease_expiries": n}. Unknown keys are refused, and so is the user
  'system' (reserved for the timer). At most 1000 users and groups per part, 64 KiB in all.
  offer (default): offered to all potential owners, who claim it. direct: allocated to the single
  user in potential_owners.users. round_robin: allocated to the next eligible potential owner
  after the last one chosen for this task and set of people. shortest_queue: to the eligible one
  holding the fewest active items. random: to a random eligible one. retain_familiar: to whoever
  completed the step named by constraints.retain_familiar (step_ref or task name) in the same
  workflow, if eligible. Eligible: a directory user named or in a named group, not excluded,
  available, not away, below capacity; with nobody eligible the item is offered.
An item offered to nobody who can claim it (no potential owners, or only groups without members
and users a tenant's directory does not know) is created with a WARNING saying so.
activate_at in the future: the item waits in state created until then (the timer activates it).
deadlines: what the timer does when, a JSON array of {"at": timestamp | "after": interval or
  seconds (from now), "action": ..., "message": text (optional, recorded in the event)}:
  "escalate" raises the priority by "raise_priority" (default 1); "reoffer" offers the item to
  "to": {"users": [...], "groups": [...]} instead (whoever held it loses it); "allocate_admin"
  allocates it to "to_user" or else its first available administrator; "notify" only records the
  workitem.escalated event; "expire" expires it. Each entry fires once, in time order, as an
  ordinary transition by 'system' that raises escalation_level by one (workitem.escalated, or
  workitem.expired); the stored list has every time as "at" (UTC) and "fired_at" once fired. An
  action that cannot be done (nobody in the new group, no administrator) is retried later and
  listed in workitem.timer_failures. The timer acts for whoever set the list, so reoffer and
  allocate_admin (an administrator's operations) may be set only by an administrator of the item
  (on create: one the assignment names), a service or workitem_admin; escalate, notify and
  expire by whoever may create or update the item (WI403 naming the entry). "after": at most
  10000 years.
Times (due_at, activate_at, expires_at, follow_up_at, deadlines): finite, in the years 0001 to
  9999 UTC; infinity is WI422 naming the field.
actor: the initiator (default: the calling role). input: at most workitem.max_payload_bytes.
Errors: WI422 invalid input (which field, why), WI501 strategy not available, WI403 actor 'system'
or a service acting on behalf of a user or reader (workitem.on_behalf),
or a deadline action the creator may not set.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_create_many', 'admin');
CREATE FUNCTION @extschema@.workitem_create_many(
    items           jsonb,
    actor           text DEFAULT NULL,
    idempotency_key text DEFAULT NULL)
    RETURNS TABLE (element integer, id bigint, ok boolean, sqlstate text, message text,
                   item workitem.item)
    AS 'MODULE_PATHNAME', 'workitem_create_many'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_create_many(jsonb, text, text) IS
$$Creates many items in one call: items is a JSON array of objects whose keys are
workitem_create's parameters (workflow_id and task_name required; times as ISO 8601 strings).
Returns one row per element (numbered from 1), in order: ok with the new (or, for a repeated step_ref, existing)
item, or the SQLSTATE and message that refused that element; one bad element does not stop the
others, and so does an element that cannot be read (a malformed timestamp, a priority out of
range: WI422 naming the field). At most workitem.max_batch_size elements. An idempotency key
covers the whole call. One WARNING lists the new items some or all of their potential owners
cannot claim (workitem_create).$$;

INSERT INTO workitem.required_capability VALUES ('workitem_get', 'reader');
CREATE FUNCTION @extschema@.workitem_get(id bigint, actor text DEFAULT NULL)
    RETURNS workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found_item workitem.item;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF id IS NULL THEN
        PERFORM workitem.raise_invalid('id is required');
    END IF;
    SELECT i.* INTO found_item FROM workitem.item i
     WHERE i.id = workitem_get.id
       AND workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from, i.candidates,
                            i.administrators, actor);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant()),
            HINT = 'Check the id and the workitem.tenant setting.';
    END IF;
    RETURN found_item;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_get(bigint, text) IS
$$Returns one item of the current tenant that the reader may see (WI404 otherwise, as if it did
not exist). actor: a service reads as this user. Errors: WI404, WI422 no id, WI403 a
non-service naming another actor.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_list', 'reader');
CREATE FUNCTION @extschema@.workitem_list(
    state           workitem.state DEFAULT NULL,
    queue           text DEFAULT NULL,
    task_name       text DEFAULT NULL,
    workflow_id     text DEFAULT NULL,
    owner           text DEFAULT NULL,
    potential_owner text DEFAULT NULL,
    due_before      timestamptz DEFAULT NULL,
    due_after       timestamptz DEFAULT NULL,
    min_priority    integer DEFAULT NULL,
    after_id        bigint DEFAULT NULL,
    page_size       integer DEFAULT 100,
    actor           text DEFAULT NULL,
    input_contains  jsonb DEFAULT NULL,
    input_path      text DEFAULT NULL,
    fields          jsonb DEFAULT NULL,
    output_contains jsonb DEFAULT NULL,
    output_path     text DEFAULT NULL,
    sort            text DEFAULT 'id',
    descending      boolean DEFAULT false,
    after_key       text DEFAULT NULL)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
    filter workitem.search_filter;
    sort_key text;          -- the sort expression (NULL: by id alone)
    sort_field text;
    sort_type text;         -- numeric, text or timestamptz: which after_key parameter it reads
    after_num numeric;
    after_ts timestamptz;
    after_condition text := '';
    direction text := CASE WHEN descending THEN 'DESC' ELSE 'ASC' END;
    beyond text := CASE WHEN descending THEN '<' ELSE '>' END;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    IF potential_owner IS NOT NULL THEN
        owner_principals := workitem.principals_of(tenant, potential_owner);
    END IF;
    filter := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    CASE
        WHEN sort IS NULL OR sort = 'id' THEN NULL;
        WHEN sort = 'created' THEN sort_key := 'i.created_at'; sort_type := 'timestamptz';
        WHEN sort = 'priority' THEN sort_key := 'i.priority'; sort_type := 'numeric';
        WHEN sort = 'due' THEN sort_key := 'i.due_at'; sort_type := 'timestamptz';
        WHEN sort LIKE 'field:%' THEN
            sort_field := substr(sort, 7);
            sort_type := workitem.field_type(tenant, sort_field);
            sort_key := CASE sort_type WHEN 'numeric' THEN 'sv.num' WHEN 'text' THEN 'sv.txt' ELSE 'sv.ts' END;
        ELSE
            PERFORM workitem.raise_invalid('sort must be id, created, priority, due or field:<declared field>');
    END CASE;
    -- Keyset paging: after the last row's (sort key, id); a NULL key sorts last.
    IF after_id IS NOT NULL AND sort_key IS NULL THEN
        after_condition := format(' AND i.id %s $20', beyond);
    ELSIF after_id IS NOT NULL AND after_key IS NULL THEN
        after_condition := format(' AND %s IS NULL AND i.id %s $20', sort_key, beyond);
    ELSIF after_id IS NOT NULL THEN
        BEGIN
            after_num := CASE WHEN sort_type = 'numeric' THEN after_key::numeric END;
            after_ts := CASE WHEN sort_type = 'timestamptz' THEN after_key::timestamptz END;
        EXCEPTION WHEN data_exception THEN
            PERFORM workitem.raise_invalid(format('after_key %s is not a %s', after_key, sort_type));
        END;
        after_condition := format(' AND (%1$s %2$s $%3$s OR (%1$s = $%3$s AND i.id %2$s $20) OR %1$s IS NULL)',
                                  sort_key, beyond,
                                  CASE sort_type WHEN 'numeric' THEN 22 WHEN 'text' THEN 23 ELSE 24 END);
    ELSIF after_key IS NOT NULL THEN
        PERFORM workitem.raise_invalid('after_key needs after_id (the last row''s id)');
    END IF;
    RETURN QUERY EXECUTE
        'SELECT i.* FROM workitem.item i'
        || CASE WHEN sort_field IS NOT NULL
                THEN ' LEFT JOIN workitem.item_field_value sv ON sv.item_id = i.id AND sv.field = $25'
                ELSE '' END
        || ' WHERE ' || workitem.item_conditions() || filter.conditions || after_condition
        || ' ORDER BY ' || CASE WHEN sort_key IS NOT NULL
                                THEN format('%s %s NULLS LAST, ', sort_key, direction) ELSE '' END
        || 'i.id ' || direction || ' LIMIT $21'
        USING tenant, filter.input_contains, filter.input_path, filter.field_names, filter.nums,
              filter.txts, filter.tss, actor, state, queue, task_name, workflow_id, owner,
              owner_principals, due_before, due_after, min_priority, output_contains,
              workitem.json_path('output_path', output_path), after_id, page_size, after_num,
              after_key, after_ts, sort_field;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_list(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, bigint, integer, text, jsonb, text, jsonb, jsonb, text, text, boolean, text) IS
$$Lists items of the current tenant matching every filter given, at most page_size (1..10000,
default 100) rows. potential_owner: items naming that user or one of their groups as potential
owner (and not excluding them). due_before is exclusive, due_after inclusive.
Business data (docs/search.md): input_contains / output_contains: JSON containment (@>);
input_path / output_path: a SQL/JSON path predicate ('$.amount > 10000'; at most 1024
characters); fields: comparisons on declared fields (workitem_index_field),
{"amount": {">=": 100, "<": 500}, "tier": "gold"} (=, <, <=, >, >=; at most 16). Input filters
use the search indexes; output filters are checked on the rows the others select.
sort: id (default), created, priority, due or field:<declared field>; descending flips it; ties
by id, an absent value last. Keyset paging: pass the last row's id as after_id and, when sorted
by something else than id, its sort value as text as after_key (NULL when it had none).
Errors: WI422 bad page_size, sort or after_key, a filter over 8 KiB, a malformed path, an
undeclared field or a value not of its type.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_count', 'reader');
CREATE FUNCTION @extschema@.workitem_count(
    state           workitem.state DEFAULT NULL,
    queue           text DEFAULT NULL,
    task_name       text DEFAULT NULL,
    workflow_id     text DEFAULT NULL,
    owner           text DEFAULT NULL,
    potential_owner text DEFAULT NULL,
    due_before      timestamptz DEFAULT NULL,
    due_after       timestamptz DEFAULT NULL,
    min_priority    integer DEFAULT NULL,
    actor           text DEFAULT NULL,
    input_contains  jsonb DEFAULT NULL,
    input_path      text DEFAULT NULL,
    fields          jsonb DEFAULT NULL,
    output_contains jsonb DEFAULT NULL,
    output_path     text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    owner_principals text[];
    filter workitem.search_filter;
    total bigint;
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF potential_owner IS NOT NULL THEN
        owner_principals := workitem.principals_of(tenant, potential_owner);
    END IF;
    filter := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    EXECUTE 'SELECT count(*) FROM workitem.item i WHERE ' || workitem.item_conditions() || filter.conditions
        INTO total
        USING tenant, filter.input_contains, filter.input_path, filter.field_names, filter.nums,
              filter.txts, filter.tss, actor, state, queue, task_name, workflow_id, owner,
              owner_principals, due_before, due_after, min_priority, output_contains,
              workitem.json_path('output_path', output_path);
    RETURN total;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_count(workitem.state, text, text, text, text, text, timestamptz, timestamptz, integer, text, jsonb, text, jsonb, jsonb, text) IS
$$How many items of the current tenant match every filter given (the filters of workitem_list,
business data included); only the items the reader may see are counted.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_worklist', 'reader');
CREATE FUNCTION @extschema@.workitem_worklist(
    actor          text,
    queue          text DEFAULT NULL,
    page_size      integer DEFAULT 100,
    input_contains jsonb DEFAULT NULL,
    input_path     text DEFAULT NULL,
    fields         jsonb DEFAULT NULL)
    RETURNS SETOF workitem.item
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tenant text := workitem.current_tenant();
    principals text[];
    offered workitem.search_filter;
    held workitem.search_filter;
BEGIN
    IF actor IS NULL OR actor = '' THEN
        PERFORM workitem.raise_invalid('actor is required');
    END IF;
    IF page_size IS NULL OR page_size < 1 OR page_size > 10000 THEN
        PERFORM workitem.raise_invalid('page_size must be between 1 and 10000');
    END IF;
    principals := workitem.principals_of(tenant, actor);
    PERFORM workitem.viewer(actor);  -- a non-service may only ask for its own worklist
    offered := workitem.search_filter('e.item_id', tenant, input_contains, input_path, fields);
    held := workitem.search_filter('i.id', tenant, input_contains, input_path, fields);
    -- An actor the directory does not know (in a tenant that keeps one) has no groups: say so
    -- rather than answer with an empty page that looks like "nothing to do".
    IF NOT EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant AND d.user_id = actor)
       AND EXISTS (SELECT FROM workitem.directory_user d WHERE d.tenant_id = tenant) THEN
        RAISE WARNING 'user % is not in the directory of tenant %: only items offered to them by name are listed',
            actor, tenant
            USING HINT = 'Sync them into the directory (workitem_put_user) to give them their groups.';
    END IF;
    -- Like claim_next: the best page of the offer entries of each principal of the actor (those
    -- the filter keeps), and what the actor holds, merged; never a walk past the items offered
    -- to others. $8 principals, $9 queue, $10 page_size, $11 actor.
    RETURN QUERY EXECUTE
        'SELECT w.* FROM (
            SELECT i.* FROM workitem.item i
             WHERE i.id IN (
                SELECT o.item_id FROM unnest($8) AS p(principal)
                CROSS JOIN LATERAL (
                    SELECT e.item_id FROM workitem.offer e
                     WHERE e.tenant_id = $1 AND e.principal = p.principal
                       AND ($9 IS NULL OR e.queue = $9)
                       AND NOT e.excluded && $8
                       AND (e.expires_at IS NULL OR e.expires_at > now())' || offered.conditions || '
                     ORDER BY e.priority DESC, e.due_at ASC NULLS LAST, e.item_id
                     LIMIT $10) AS o)
               AND i.tenant_id = $1 AND i.state = ''offered''
            UNION ALL
            SELECT i.* FROM workitem.item i
             WHERE i.tenant_id = $1 AND i.owner = $11
               AND i.state IN (''allocated'', ''started'', ''suspended'')
               AND ($9 IS NULL OR i.queue = $9)' || held.conditions || ') AS w
         ORDER BY w.priority DESC, w.due_at ASC NULLS LAST, w.id
         LIMIT $10'
        USING tenant, offered.input_contains, offered.input_path, offered.field_names, offered.nums,
              offered.txts, offered.tss, principals, queue, page_size, actor;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_worklist(text, text, integer, jsonb, text, jsonb) IS
$$The actor's worklist: items offered to them (directly or through a group, not excluded, not
expired) and items they hold (allocated, started, suspended), best first: priority, then due
date, then age. At most page_size rows. input_contains, input_path and fields filter by business
data as in workitem_list (docs/search.md). Warns when the tenant keeps a directory that does not
know the actor. Errors: WI422 no actor or bad page_size, and the filter errors of workitem_list.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_history', 'reader');
CREATE FUNCTION @extschema@.workitem_history(id bigint, actor text DEFAULT NULL)
    RETURNS SETOF workitem.event
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Whom the read is done as, settled before any row is read: a refusal (a non-service naming
    -- someone else) that depended on a row matching would tell which items exist.
    PERFORM workitem.viewer(actor);
    IF id IS NULL THEN
        PERFORM workitem.raise_invalid('id is required');
    END IF;
    -- The item must be visible to the reader (an item purged by retention: readers who see all).
    IF NOT EXISTS (SELECT FROM workitem.item i
                    WHERE i.id = workitem_history.id
                      AND workitem.visible(i.tenant_id, i.owner, i.created_by, i.delegated_from,
                                           i.candidates, i.administrators, actor))
       AND NOT (SELECT workitem.viewer_sees_all(actor)) THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
    RETURN QUERY
        SELECT e.* FROM workitem.event e
         WHERE e.aggregateid = workitem_history.id AND e.tenant_id = workitem.current_tenant()
         ORDER BY e.aggregate_version, e.seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'item % not found', id USING ERRCODE = 'WI404',
            DETAIL = format('tenant %s', workitem.current_tenant());
    END IF;
END;
$$;
COMMENT ON FUNCTION @extschema@.workitem_history(bigint, text) IS
$$The item's events in version order: who did what (actor; login: the session's login role;
capability: what the call was authorized with, e.g. service:user for a service acting on behalf of
the actor), when, and payload->'changes' with the old and new value of every changed field. Only
for items the reader may see (actor: a service reads as this user). Errors: WI404 no such item
(or no events left), WI403.$$;

INSERT INTO workitem.required_capability VALUES ('workitem_allowed_operations', 'reader');
CREATE FUNCTION @extschema@.workitem_allowed_operations(id bigint, actor text)
    RETURNS text[]
    AS 'MODULE_PATHNAME', 'workitem_allowed_operations'
    LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_allowed_operations(bigint, text) IS
$$The operations actor may perform on the item now (as WS-HumanTask's getTaskOperations),
decided by the same transition table and validators that judge an attempt, so the answer never
disagrees with a call made right after (none for a reader, or a service acting on behalf of one).
Errors: WI404 no such item, or one the actor may not see (answered alike), WI422 no actor.$$;

