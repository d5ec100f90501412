-- The floor: the worker loop's writes with no logic (bench/floor.sql), two transactions like
-- ext_loop.sql; bench/run disables workitem.item's trigger while it runs.
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version
  FROM floor.claim_next('u' || :client_id, 'work') \gset
\if :id > 0
SELECT version FROM floor.complete(:id, 'u' || :client_id,
    output => '{"approved": true}', expected_version => :version);
\endif
