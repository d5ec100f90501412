// The sandwich every operation on an existing item goes through:
// decode (the fn_*.cpp entry points) -> validate input -> lock the row -> decide in the core ->
// write the change (the trigger records the event) -> return the item as it now is.
#pragma once

#include "workitem/core/operation.hpp"
#include "workitem/core/people.hpp"

#include "item_row.hpp"

#include "pg.hpp"

namespace workitem::pg {

// The decoded arguments of one operation call. Plain data: strings are palloc'd or null.
struct TransitionCall {
    core::Operation operation;
    int64 item_id;
    const char* actor;
    bool has_expected_version;
    int64 expected_version;
    const char* idempotency_key;
    const char* to_user;     // allocate, delegate
    bool override_owner;     // allocate
    bool has_lease_seconds;  // claim, start, heartbeat
    int32 lease_seconds;
    bool has_until;  // suspend
    TimestampTz until;
    const char* reason;  // cancel
    Jsonb* body;  // output (complete, save_output), fault (fail, mark_error), assignment (forward)
};

// A call with the arguments every mutation shares: (id, actor, ..., expected_version,
// idempotency_key).
TransitionCall decode_common(FunctionCallInfo fcinfo, core::Operation operation,
                             int expected_version_arg, int idempotency_key_arg);

// Helpers for decoding optional arguments (nullptr / false when SQL NULL).
const char* optional_text_arg(FunctionCallInfo fcinfo, int arg);
Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg);

// The actor of a call, with the groups the directory gave (acts as a service until roles land).
core::Actor to_actor(const TransitionCall& call, const TextList& groups);

// Raises WI404 for an item missing from this tenant.
[[noreturn]] void raise_not_found(int64 item_id, const char* tenant);

// Runs the call on its item and returns the item row (a workitem.item composite Datum).
Datum run_transition(const TransitionCall& call);

// claim_next: the best offered item the actor may take in `queue` / `task_name`, claimed;
// returns false when there is none.
bool run_claim_next(const TransitionCall& call, const char* queue, const char* task_name,
                    Datum* item);

}  // namespace workitem::pg
