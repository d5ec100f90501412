-- PL/pgSQL peer: the worker loop on an eligibility shape (see ext_shape_loop.sql; the peer has no
-- leases).
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version
  FROM peer.peer_claim_next('u' || :client_id, :shape) \gset
\if :id > 0
SELECT version FROM peer.peer_complete(:id, 'u' || :client_id,
    output => '{"approved": true}', expected_version => :version);
\endif
