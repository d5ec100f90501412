-- workitem: the batched worker loop on the realistic shape (-D shape=mix -D batch=N -D first=1
-- -D held='[]'). The first transaction claims N items; each next one acknowledges the N held
-- (completes each with a small output) and claims N more, in one call. The held items travel
-- between transactions as the outcomes document itself, built by the statement (\gset keeps one
-- value) and passed back as a parameter (-M prepared). One pgbench transaction = one call.
\if :first
SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'output', '{"approved": true}'::jsonb)), '[]') AS held
  FROM workitem_claim_next('u' || :client_id, :shape, lease_seconds => 300, max_items => :batch) AS c \gset
\set first 0
\else
SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'output', '{"approved": true}'::jsonb))
                FILTER (WHERE a.kind = 'claim'), '[]') AS held
  FROM workitem_acknowledge_and_claim_next('u' || :client_id, :held, queue => :shape,
                                           lease_seconds => 300, max_items => :batch) AS a \gset
\endif
