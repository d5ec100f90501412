-- workitem: contended claim-by-id. Clients 2k and 2k+1 are a pair: both walk the same ids
-- (:base + pair * :per_pair + 1, + 2, ...) and claim each; one wins, the other waits for the
-- winner's commit and loses with WI423 (bench.ext_try_claim returns it instead of raising).
-- :n is this client's counter (pgbench variables live as long as the client; -D n=0).
\set n :n + 1
\set id :base + (:client_id / 2) * :per_pair + :n
\if :n <= :per_pair
SELECT bench.ext_try_claim(:id, 'u' || :client_id);
\else
SELECT 'exhausted';
\endif
