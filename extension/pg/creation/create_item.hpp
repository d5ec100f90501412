// Creating items: one create, from workitem_create's arguments or from one element of
// workitem_create_many, planned by the core and inserted with its one `created` event.
#pragma once

#include "item/row.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// A create request as plain data (palloc'd strings, detoasted jsonb).
struct CreateArgs {
    const char* workflow_id;
    const char* task_name;
    Jsonb* assignment;  // nullptr: {}
    Jsonb* input;
    int32 priority;
    const char* queue;
    OptionalTime due_at;
    OptionalTime activate_at;
    OptionalTime expires_at;
    OptionalTime follow_up_at;
    Jsonb* deadlines;  // as written (item/deadlines.hpp stores it, "after" counted from now)
    bool skippable;
    const char* step_ref;
    const char* run_id;
    const char* actor;  // the initiator
    bool creator_is_service;
    const char*
        capability;         // what the create is authorized with, for its event (policy/caller.hpp)
    bool creator_is_admin;  // workitem_admin: administers every item of the tenant
    const char* idempotency_key;
};

// The outcome of one create: the item, or the error that refused it.
struct CreateOutcome {
    bool ok;
    Datum item;  // workitem.item composite
    int sqlerrcode;
    const char* message;
};

// Plans and inserts one item inside SPI. Refusals are returned (for create_many's rows) when
// `report_refusals`, raised otherwise. A create naming an existing (workflow_id, step_ref)
// returns that item when the request is the same, and is WI428 when it differs.
CreateOutcome create_item(const char* tenant, const CreateArgs& args, bool report_refusals);

}  // namespace workitem::pg
