// The writer's side of the wake-ups: a transaction notes the slots its changes concern (an item
// offered, an event written) and, when it commits, wakes the waiters of those slots that have any:
// at most one notification per slot and commit, none at all when nobody waits.
#pragma once

#include "runtime/pg.hpp"

namespace workitem::pg::wakeups {

// An item became offered (or its offer changed) in `tenant`, in `queue` (nullptr: none), to these
// principals (text[]): wakes the workers waiting on it in that queue or in any.
void note_offered(Datum tenant, Datum queue, bool queue_is_null, Datum candidates);

// An event of `tenant` was written: wakes the consumers waiting on that tenant's or on all.
void note_event(Datum tenant);

// Registers the commit and abort callbacks (_PG_init).
void register_commit_callbacks();

}  // namespace workitem::pg::wakeups
