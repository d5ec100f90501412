-- PL/pgSQL peer: claim_next alone (one transaction).
SELECT id FROM peer.peer_claim_next('u' || :client_id, 'scale');
