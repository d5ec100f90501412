// The single-item operations: workitem_<op>(id, actor, ...). Each decodes its arguments by the
// operation's layout (entry/call_arguments.cpp) and runs the single-item transition path
// (transition/single.cpp).
#include "runtime/boundary.hpp"
#include "entry/call_arguments.hpp"
#include "transition/transition.hpp"

using namespace workitem;
using namespace workitem::pg;

namespace {

Datum run_single(FunctionCallInfo fcinfo, core::Operation operation) {
    const ArgumentLayout& layout = layout_of(operation);
    TransitionCall call = decode_call(fcinfo, layout);
    if (PG_ARGISNULL(0)) raise(core::ErrorCode::invalid_input, "id is required");
    call.item_id = PG_GETARG_INT64(0);
    if (layout.expected_version >= 0 && !PG_ARGISNULL(layout.expected_version)) {
        call.has_expected_version = true;
        call.expected_version = PG_GETARG_INT64(layout.expected_version);
    }
    return run_transition(call, fcinfo, layout.idempotency_key);
}

}  // namespace

#define WORKITEM_SINGLE_OPERATION(op)                             \
    extern "C" {                                                  \
    PG_FUNCTION_INFO_V1(workitem_##op);                           \
    }                                                             \
    extern "C" Datum workitem_##op(PG_FUNCTION_ARGS) {            \
        PG_RETURN_DATUM(run_single(fcinfo, core::Operation::op)); \
    }

WORKITEM_SINGLE_OPERATION(claim)
WORKITEM_SINGLE_OPERATION(allocate)
WORKITEM_SINGLE_OPERATION(start)
WORKITEM_SINGLE_OPERATION(stop)
WORKITEM_SINGLE_OPERATION(release)
WORKITEM_SINGLE_OPERATION(delegate)
WORKITEM_SINGLE_OPERATION(resolve)
WORKITEM_SINGLE_OPERATION(forward)
WORKITEM_SINGLE_OPERATION(suspend)
WORKITEM_SINGLE_OPERATION(resume)
WORKITEM_SINGLE_OPERATION(complete)
WORKITEM_SINGLE_OPERATION(fail)
WORKITEM_SINGLE_OPERATION(skip)
WORKITEM_SINGLE_OPERATION(cancel)
WORKITEM_SINGLE_OPERATION(mark_error)
WORKITEM_SINGLE_OPERATION(heartbeat)
WORKITEM_SINGLE_OPERATION(update)
WORKITEM_SINGLE_OPERATION(save_output)
