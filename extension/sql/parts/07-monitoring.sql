-- The monitoring views (security_invoker: a reader sees only what it may).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- Monitoring views
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem.items_by_state', 'reader');
CREATE VIEW workitem.items_by_state WITH (security_invoker = true) AS
    SELECT tenant_id, queue, state, count(*) AS items
      FROM workitem.item GROUP BY tenant_id, queue, state;
COMMENT ON VIEW workitem.items_by_state IS 'Number of items per tenant, queue and state.';

INSERT INTO workitem.required_capability VALUES ('workitem.oldest_offered', 'reader');
CREATE VIEW workitem.oldest_offered WITH (security_invoker = true) AS
    SELECT tenant_id, queue, count(*) AS offered_items, min(created_at) AS oldest_created_at,
           now() - min(created_at) AS oldest_age
      FROM workitem.item WHERE state = 'offered' GROUP BY tenant_id, queue;
COMMENT ON VIEW workitem.oldest_offered IS
    'Per tenant and queue: how many items wait to be claimed and how long the oldest has waited.';

INSERT INTO workitem.required_capability VALUES ('workitem.overdue_items', 'reader');
CREATE VIEW workitem.overdue_items WITH (security_invoker = true) AS
    SELECT tenant_id, id, queue, task_name, state, owner, due_at, now() - due_at AS overdue_by
      FROM workitem.item
     WHERE due_at < now() AND state IN ('created', 'offered', 'allocated', 'started', 'suspended');
COMMENT ON VIEW workitem.overdue_items IS 'Active items past their due_at, and by how much.';

