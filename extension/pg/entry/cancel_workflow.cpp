// workitem_cancel_workflow (every active item of a workflow, all or nothing): an operation that
// chooses its items itself (transition/cancel_workflow.cpp).
#include "entry/call_arguments.hpp"
#include "transition/transition.hpp"

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_cancel_workflow);
}

// workitem_cancel_workflow(workflow_id, actor, reason, idempotency_key): the cancelled items
extern "C" Datum workitem_cancel_workflow(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    call.operation = core::Operation::cancel_workflow;
    const char* workflow_id = optional_text_arg(fcinfo, cw_workflow_id);
    call.actor = optional_text_arg(fcinfo, cw_actor);
    call.reason = optional_text_arg(fcinfo, cw_reason);
    call.idempotency_key = optional_text_arg(fcinfo, cw_idempotency_key);
    run_cancel_workflow(call, workflow_id, fcinfo, cw_idempotency_key);
    return Datum(0);
}
