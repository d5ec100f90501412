-- Lean peer: the worker loop of the bloat run (see ext_bloat_loop.sql and lean_shape_loop.sql).
\set first_group :client_id % 10
\set second_group (:client_id % 10 + 1 + (:client_id / 10) % 9) % 10
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version,
       round((extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::numeric, 3) AS claim_ms
  FROM lean.claim_next('u' || :client_id, ARRAY['g' || :first_group, 'g' || :second_group],
                       :shape, 300) \gset
\if :id > 0
SELECT version FROM lean.complete(:id, 'u' || :client_id,
    jsonb_build_object('approved', true, 'run', :run::text, 'claim_ms', :claim_ms::numeric), :version);
\endif
