-- Lean peer: the worker loop on an eligibility shape (see ext_shape_loop.sql). The worker passes
-- its groups in, computed as bench.groups_of computes them.
\set first_group :client_id % 10
\set second_group (:client_id % 10 + 1 + (:client_id / 10) % 9) % 10
SELECT coalesce(max(id), 0) AS id, coalesce(max(version), 0) AS version
  FROM lean.claim_next('u' || :client_id, ARRAY['g' || :first_group, 'g' || :second_group],
                       :shape, 300) \gset
\if :id > 0
SELECT version FROM lean.complete(:id, 'u' || :client_id, '{"approved": true}', :version);
\endif
