-- workitem: claim_next alone (one transaction), for its latency at a given number of offered items.
SELECT id FROM workitem_claim_next('u' || :client_id, 'scale');
