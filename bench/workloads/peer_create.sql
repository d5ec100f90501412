-- PL/pgSQL peer: create one item offered to the group `bench` (one transaction), of its own workflow.
\set wf random(1, 2000000000)
SELECT id FROM peer.peer_create('wf-' || :client_id || '-' || :wf, 'Review',
    assignment => '{"potential_owners": {"groups": ["bench"]}}',
    input => '{"invoice": 1017, "amount": 240, "currency": "EUR"}', queue => 'inbox');
