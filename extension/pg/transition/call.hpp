// One operation call on an existing item, as plain data: what the entry points decode
// (entry/call_arguments.hpp), what the policy checks read, and what every transition path
// (transition/transition.hpp) runs. Also the two ways of looking at it that the core needs: the
// command and the actor.
#pragma once

#include "workitem/core/command.hpp"
#include "workitem/core/operation.hpp"
#include "workitem/core/people.hpp"
#include "workitem/core/time.hpp"

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
    Jsonb* deadlines;  // update (stored form, item/deadlines.hpp), and the timer marking one fired
    const char* deadlines_text;  // update: the new list as JSON text, for the core to authorize
    // who is calling (set by admit_caller)
    bool caller_is_service;
    bool caller_is_admin;
    bool caller_may_write;
    const char* capability;  // what the call is authorized with, for its events (policy/caller.hpp)
};

// Checks who is calling (policy/caller.hpp): a writer for mutations, acting as an actor it may
// name. Resolves the call's actor, records the caller's rights in it, and returns the tenant.
const char* admit_caller(TransitionCall& call, bool writes);

// The actor of a call, with the groups the directory gave and the caller's capability (a
// service, a tenant administrator).
core::Actor to_actor(const TransitionCall& call, const TextList& groups);

// The call as the core's command.
core::Command to_command(const TransitionCall& call);

// The core's input checks that need no row (limits, the assignment's form); raises on a refusal.
void validate_call(const TransitionCall& call, core::Timestamp now);

// Raises WI404 for an item missing from this tenant.
[[noreturn]] void raise_not_found(int64 item_id, const char* tenant);

}  // namespace workitem::pg
