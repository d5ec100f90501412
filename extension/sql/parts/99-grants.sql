-- Last, once every object exists: the privileges. The schema is usable by the four capability
-- roles; every function, table and view is granted by workitem.apply_grants() from its declared
-- capability (workitem.required_capability, docs/security.md) - no list kept by hand.
GRANT USAGE ON SCHEMA workitem TO workitem_reader, workitem_user, workitem_service, workitem_admin;
SELECT workitem.apply_grants();
