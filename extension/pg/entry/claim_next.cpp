// workitem_claim_next (the best offered item) and workitem_cancel_workflow (every active item
// of a workflow): the operations that choose their items themselves.
#include "runtime/boundary.hpp"
#include "transition/transition.hpp"

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_claim_next);
PG_FUNCTION_INFO_V1(workitem_cancel_workflow);
}

// workitem_claim_next(actor, queue, task_name, lease_seconds, idempotency_key): 0 or 1 row
extern "C" Datum workitem_claim_next(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    call.operation = core::Operation::claim_next;
    call.actor = optional_text_arg(fcinfo, 0);
    const char* queue = optional_text_arg(fcinfo, 1);
    const char* task_name = optional_text_arg(fcinfo, 2);
    if (!PG_ARGISNULL(3)) {
        call.has_lease_seconds = true;
        call.lease_seconds = PG_GETARG_INT32(3);
    }
    call.idempotency_key = optional_text_arg(fcinfo, 4);
    run_claim_next(call, queue, task_name, fcinfo, 4);
    return Datum(0);
}

// workitem_cancel_workflow(workflow_id, actor, reason, idempotency_key): the cancelled items
extern "C" Datum workitem_cancel_workflow(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    call.operation = core::Operation::cancel_workflow;
    const char* workflow_id = optional_text_arg(fcinfo, 0);
    call.actor = optional_text_arg(fcinfo, 1);
    call.reason = optional_text_arg(fcinfo, 2);
    call.idempotency_key = optional_text_arg(fcinfo, 3);
    run_cancel_workflow(call, workflow_id, fcinfo, 3);
    return Datum(0);
}
