-- workitem: claim_next alone (one transaction) on the realistic shape's queue (bench/shapes.sql:
-- each item offered to a random user and a random group), with a lease, for its latency at a
-- given number of offered items.
SELECT id FROM workitem_claim_next('u' || :client_id, 'mix', lease_seconds => 300);
