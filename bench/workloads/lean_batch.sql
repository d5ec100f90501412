-- Lean peer: the batched worker loop (see ext_batch.sql; bench/lean_peer_batch.sql). The held ids
-- and their outputs travel between transactions as two array literals built by the statement.
\set first_group :client_id % 10
\set second_group (:client_id % 10 + 1 + (:client_id / 10) % 9) % 10
SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS held,
       coalesce(array_agg('{"approved": true}'::jsonb ORDER BY c.id), '{}') AS outputs
  FROM lean.acknowledge_and_claim_batch('u' || :client_id, ARRAY['g' || :first_group, 'g' || :second_group],
                                        :shape, 300, :held, :outputs, :batch) AS c \gset
