-- PL/pgSQL peer: contended claim-by-id (see ext_race.sql).
\set n :n + 1
\set id :base + (:client_id / 2) * :per_pair + :n
\if :n <= :per_pair
SELECT bench.peer_try_claim(:id, 'u' || :client_id);
\else
SELECT 'exhausted';
\endif
