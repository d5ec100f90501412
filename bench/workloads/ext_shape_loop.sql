-- workitem: the worker loop on an eligibility shape (bench/shapes.sql; -D shape=mix|group), with a
-- lease on every claim. Two transactions, as ext_loop.sql.
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version
  FROM workitem_claim_next('u' || :client_id, :shape, lease_seconds => 300) \gset
\if :id > 0
SELECT version FROM workitem_complete(:id, 'u' || :client_id,
    output => '{"approved": true}', expected_version => :version);
\endif
