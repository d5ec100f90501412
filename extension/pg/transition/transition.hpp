// The sandwich every operation on an existing item goes through:
// decode (the fn_*.cpp entry points) -> validate input -> lock the row -> decide in the core ->
// write the change (the trigger records the event) -> return the item as it now is. A worker's
// own operations (complete, start, stop, save_output, fail) read the row unlocked and let the
// write lock it, if the row is still the one they decided on (transition.cpp).
#pragma once

#include "workitem/core/operation.hpp"
#include "workitem/core/people.hpp"

#include "item/row.hpp"

#include "runtime/pg.hpp"

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
    const char* reason;  // cancel, cancel_workflow
    Jsonb* body;  // output (complete, save_output), fault (fail, mark_error), assignment (forward,
                  // update)
    const char* assignment_text;  // the assignment as JSON text, for the core to check
    // update: the attributes given (NULL arguments leave the attribute as it is)
    bool has_priority;
    int32 priority;
    bool has_due_at;
    TimestampTz due_at;
    bool has_follow_up_at;
    TimestampTz follow_up_at;
    bool has_expires_at;
    TimestampTz expires_at;
    Jsonb* input;
    Jsonb* deadlines;  // update (stored form, deadlines.hpp), and the timer marking one fired
    const char* deadlines_text;  // update: the new list as JSON text, for the core to authorize
    // who is calling (set by admit_caller)
    bool caller_is_service;
    bool caller_is_admin;
    bool caller_may_write;
    const char* capability;  // what the call is authorized with, for its events (caller.hpp)
};

// Checks who is calling (caller.hpp): a writer for mutations, acting as an actor it may name.
// Resolves the call's actor, records the caller's rights in it, and returns the tenant.
const char* admit_caller(TransitionCall& call, bool writes);

// Helpers for decoding optional arguments (nullptr / false when SQL NULL).
const char* optional_text_arg(FunctionCallInfo fcinfo, int arg);
Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg);

// The actor of a call, with the groups the directory gave (acts as a service until roles land).
core::Actor to_actor(const TransitionCall& call, const TextList& groups);

// Raises WI404 for an item missing from this tenant.
[[noreturn]] void raise_not_found(int64 item_id, const char* tenant);

// Runs the call on its item and returns the item row (a workitem.item composite Datum).
// `key_argument` is the position of the idempotency key among the function's arguments.
Datum run_transition(const TransitionCall& call, FunctionCallInfo fcinfo, int key_argument);

// claim_next: claims the best offered item the actor may take in `queue` / `task_name` and
// returns it as the function's only row (no row when there is none).
void run_claim_next(const TransitionCall& call, const char* queue, const char* task_name,
                    FunctionCallInfo fcinfo, int key_argument);

// A batch form: the call on every id, one result row (id, ok, sqlstate, message, item) each.
void run_batch(const TransitionCall& call, ArrayType* ids, ArrayType* expected_versions,
               FunctionCallInfo fcinfo, int key_argument);

// cancel_workflow: every active item of the workflow, cancelled (all or nothing); returns them.
void run_cancel_workflow(const TransitionCall& call, const char* workflow_id,
                         FunctionCallInfo fcinfo, int key_argument);

}  // namespace workitem::pg
