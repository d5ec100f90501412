// The refusal of the last call made with an idempotency key, kept in this backend's memory past
// the rollback (docs/domain.md §9). A refused call writes nothing - its transaction rolls back,
// and its key stays free, so a retry could do what the first call was refused. So the refusal
// is noted here as it is raised (runtime/boundary.hpp's one raise), and the client, in a new
// transaction on the same session, stores it as the key's outcome with
// workitem_remember_refusal(); a retry from anywhere then gets the same error.
//
// Noted: an error of class WI raised by our code between the key's lookup (claim_key) and the
// storing of the call's outcome, in the same (sub)transaction - what the core and the glue
// decided about this request: not found, not allowed in this state, version, claimed, ... Never
// WI428 (the key itself), WI501 (an operator's setting, not a decision on the request), nor
// anything PostgreSQL raises (serialization failures, deadlocks, cancellations: transient).
#pragma once

#include "runtime/boundary.hpp"  // first: it includes the core headers

#include "policy/idempotency.hpp"
#include "runtime/pg.hpp"

namespace workitem::pg {

struct NotedRefusal {
    KeyScope scope;
    const char* operation;
    bytea* request_hash;
    Failure refusal;
};

// At load (_PG_init): shows every raised failure to the note.
void register_refusal_note();

// claim_key, at the start of every keyed call: the earlier note is gone.
void forget_noted_refusal();
// claim_key, once the key is found free: a refusal raised from here is this call's.
void watch_keyed_call(const KeyScope& scope, const char* operation, bytea* request_hash);
// remember_outcome: the call succeeded; nothing more to note.
void end_keyed_call();

// The noted refusal, or nullptr. Lives until forget_noted_refusal() or the next keyed call.
const NotedRefusal* noted_refusal();

}  // namespace workitem::pg
