-- bench/search: one create with an input of a few hundred bytes (one transaction).
\set wf random(1, 2000000000)
SELECT id FROM workitem_create('wf-' || :client_id || '-' || :wf, 'Review',
    assignment => '{"potential_owners": {"groups": ["bench"]}}', queue => 'inbox',
    input => '{"amount": 240, "currency": "EUR", "customer": {"id": "c17", "tier": "gold", "region": "r7"}, "lines": [{"sku": "s1", "qty": 3, "price": 120}], "note": "Please review the attached order and approve it if the terms match."}');
