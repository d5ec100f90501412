-- The prototype of bench/prototypes/hinted_claim.sql: the worker loop of the bloat run, as
-- bench/workloads/ext_bloat_loop.sql but claiming through proto.claim_next.
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version,
       round((extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::numeric, 3) AS claim_ms
  FROM proto.claim_next('u' || :client_id, :shape, 300) \gset
\if :id > 0
SELECT version FROM workitem_complete(:id, 'u' || :client_id,
    output => jsonb_build_object('approved', true, 'run', :run::text, 'claim_ms', :claim_ms::numeric),
    expected_version => :version);
\endif
