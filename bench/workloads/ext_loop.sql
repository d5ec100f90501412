-- workitem: the worker loop, two transactions - claim the best offered item of the queue, then
-- complete it with its output, checking the version the claim returned. bench/run keeps the queue
-- stocked; if it ever ran dry the claim returns id 0, the loop skips the complete and the run is
-- reported as drained.
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version
  FROM workitem_claim_next('u' || :client_id, 'work') \gset
\if :id > 0
SELECT version FROM workitem_complete(:id, 'u' || :client_id,
    output => '{"approved": true}', expected_version => :version);
\endif
