// Idempotency around one call of a transition path (policy/idempotency.hpp): the key is claimed
// before anything is locked; a retry replays the stored outcome, a new call remembers its own.
#pragma once

#include "workitem/core/operation.hpp"

#include "policy/idempotency.hpp"
#include "transition/call.hpp"

#include "runtime/pg.hpp"

namespace workitem::pg {

// Idempotency around one call: replays a stored outcome, or remembers the new one.
struct KeyedCall {
    const char* tenant;
    const TransitionCall& call;
    FunctionCallInfo fcinfo;
    int key_argument;
    IdempotencyClaim claim{};

    bool replays() {
        if (call.idempotency_key == nullptr) return false;
        claim = claim_key(tenant, call.actor, call.idempotency_key,
                          core::to_string(call.operation).data(), fcinfo, key_argument);
        return claim.replay;
    }
    bool keyed() const { return call.idempotency_key != nullptr; }
    void remember(int64 item_id, Datum outcome, bool outcome_null) {
        if (call.idempotency_key == nullptr) return;
        remember_outcome(tenant, call.actor, call.idempotency_key,
                         core::to_string(call.operation).data(), claim, item_id, outcome,
                         outcome_null);
    }
};

}  // namespace workitem::pg
