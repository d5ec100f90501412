-- Idempotency keys that remember refusals (docs/domain.md §9).
-- A part of the install script (extension/sql/workitem.sql, then parts/ in name order).

--------------------------------------------------------------------------------------------------
-- A refused call rolls back, so its key stays free and a retry could do what the first call was
-- refused. The refusal is noted in the session's memory as it is raised; this function, called
-- in the next transaction of the same session, stores it as the key's outcome, and every retry
-- then raises the same error (extension/pg/policy/refusal_note.hpp).
--------------------------------------------------------------------------------------------------
INSERT INTO workitem.required_capability VALUES ('workitem_remember_refusal', 'user');
CREATE FUNCTION @extschema@.workitem_remember_refusal(idempotency_key text DEFAULT NULL)
    RETURNS boolean
    AS 'MODULE_PATHNAME', 'workitem_remember_refusal'
    LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.workitem_remember_refusal(text) IS
$$Stores the refusal of this session's last call made with an idempotency key as that key's
outcome, so that a retry with the key - from any session - raises the same error (SQLSTATE,
message, detail, hint) instead of running again; the same key with another request stays WI428.
Call it in a new transaction right after the refused one, on the same connection, as the same
role; with idempotency_key, only a refusal of a call with that key is stored. Noted are the
refusals of class WI raised after the key was looked up (not WI428, not WI501); nothing is noted
for a call without a key, for PostgreSQL's own errors (serialization failures, deadlocks,
cancellations), or once another keyed call was made. Stores nothing if the key was used
meanwhile. Returns whether it stored a refusal.$$;
