// What the item trigger needs to know about the change a workitem function is making:
// the operation, actor, reason and idempotency key. A function sets it around its one
// INSERT/UPDATE (or, for a batch's set-based UPDATE, one per row); an UPDATE that finds nothing
// set is a direct one (operation 'direct').
#pragma once

#include "workitem/core/operation.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

struct PendingChange {
    int64 item_id;  // 0 for a create (the id is not known before the INSERT)
    core::Operation operation;
    const char* actor;
    const char* reason;
    const char* idempotency_key;
    bool bumps_version;
    bool writes_event;
    // What the call was authorized with (policy/caller.hpp: "service", "user", "service:user"...;
    // "system" for the timer), recorded in the event beside the actor. Static or palloc'd.
    const char* capability;
};

// Sets the pending change for the next write of `change.item_id` (palloc'd strings must live
// until end_change()).
void begin_change(const PendingChange& change);
void end_change();

// Sets the pending changes of one statement that writes several items (`changes`: distinct
// item ids, kept by reference until end_change()).
void begin_changes(const PendingChange* changes, int count);

// The pending change for a row being written, or nullptr when the write is a direct one.
const PendingChange* pending_change_for(int64 item_id);

// Forgets any pending change when a (sub)transaction aborts, so a failed call can never lend
// its operation to a later direct UPDATE.
void register_change_context_callbacks();

}  // namespace workitem::pg
