-- PL/pgSQL peer: the worker loop of the bloat run (see ext_bloat_loop.sql; the peer has no leases).
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version,
       round((extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::numeric, 3) AS claim_ms
  FROM peer.peer_claim_next('u' || :client_id, :shape) \gset
\if :id > 0
SELECT version FROM peer.peer_complete(:id, 'u' || :client_id,
    output => jsonb_build_object('approved', true, 'run', :run::text, 'claim_ms', :claim_ms::numeric),
    expected_version => :version);
\endif
