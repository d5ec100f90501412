-- workitem: the worker loop of the bloat run (bench/run's bloat phase; -D shape=mix -D run=TAG),
-- as ext_shape_loop.sql, but the claim's server time (from its Execute to its result) goes into
-- the output with the run's tag, so that bench/run reads claim_next's p99 from the completed
-- items afterwards, with no statement added to the loop.
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version,
       round((extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::numeric, 3) AS claim_ms
  FROM workitem_claim_next('u' || :client_id, :shape, lease_seconds => 300) \gset
\if :id > 0
SELECT version FROM workitem_complete(:id, 'u' || :client_id,
    output => jsonb_build_object('approved', true, 'run', :run::text, 'claim_ms', :claim_ms::numeric),
    expected_version => :version);
\endif
