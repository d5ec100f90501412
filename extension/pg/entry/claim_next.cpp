// workitem_claim_next (the best offered item the actor may take): an operation that chooses its
// item itself (transition/claim_next.cpp).
#include "entry/call_arguments.hpp"
#include "runtime/boundary.hpp"
#include "runtime/settings.hpp"
#include "transition/transition.hpp"

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_claim_next);
}

// workitem_claim_next(actor, queue, task_name, lease_seconds, idempotency_key, max_items): up to
// max_items rows (default 1)
extern "C" Datum workitem_claim_next(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    call.operation = core::Operation::claim_next;
    call.actor = optional_text_arg(fcinfo, cn_actor);
    const char* queue = optional_text_arg(fcinfo, cn_queue);
    const char* task_name = optional_text_arg(fcinfo, cn_task_name);
    if (!PG_ARGISNULL(cn_lease_seconds)) {
        call.has_lease_seconds = true;
        call.lease_seconds = PG_GETARG_INT32(cn_lease_seconds);
    }
    call.idempotency_key = optional_text_arg(fcinfo, cn_idempotency_key);
    // max_items came with release 0.2.0: 0.1.0's declaration has five arguments.
    int max_items = 1;
    if (PG_NARGS() > cn_max_items && !PG_ARGISNULL(cn_max_items)) {
        max_items = PG_GETARG_INT32(cn_max_items);
        if (max_items < 1 || max_items > max_batch_size()) {
            raise(core::ErrorCode::invalid_input,
                  psprintf("max_items must be between 1 and workitem.max_batch_size (%d), not %d",
                           max_batch_size(), max_items));
        }
    }
    run_claim_next(call, queue, task_name, max_items, fcinfo, cn_idempotency_key);
    return Datum(0);
}
