-- Last, once every object exists: the grants, derived from each object's declared capability
-- (workitem.required_capability, docs/security.md).
SELECT workitem.apply_grants();
