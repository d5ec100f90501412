-- workitem: create one item offered to the group `bench` (one transaction).
SELECT id FROM workitem_create('wf-' || :client_id, 'Review',
    assignment => '{"potential_owners": {"groups": ["bench"]}}',
    input => '{"invoice": 1017, "amount": 240, "currency": "EUR"}', queue => 'inbox');
