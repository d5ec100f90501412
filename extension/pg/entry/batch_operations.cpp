// The batch forms: workitem_<op>_batch(ids, actor, ...) with the single form's arguments
// (expected_versions bigint[] in place of expected_version), one result row per id.
#include "runtime/boundary.hpp"
#include "entry/call_arguments.hpp"
#include "transition/transition.hpp"

using namespace workitem;
using namespace workitem::pg;

namespace {

Datum run_batch_form(FunctionCallInfo fcinfo, core::Operation operation) {
    const ArgumentLayout& layout = layout_of(operation);
    const TransitionCall call = decode_call(fcinfo, layout);
    if (PG_ARGISNULL(0)) raise(core::ErrorCode::invalid_input, "ids is required");
    ArrayType* ids = PG_GETARG_ARRAYTYPE_P(0);
    if (ARR_NDIM(ids) > 1)
        raise(core::ErrorCode::invalid_input, "ids must be a one-dimensional array");
    ArrayType* versions = nullptr;
    if (layout.expected_version >= 0 && !PG_ARGISNULL(layout.expected_version)) {
        versions = PG_GETARG_ARRAYTYPE_P(layout.expected_version);
    }
    run_batch(call, ids, versions, fcinfo, layout.idempotency_key);
    return Datum(0);
}

}  // namespace

#define WORKITEM_BATCH_OPERATION(op)                           \
    extern "C" {                                               \
    PG_FUNCTION_INFO_V1(workitem_##op##_batch);                \
    }                                                          \
    extern "C" Datum workitem_##op##_batch(PG_FUNCTION_ARGS) { \
        return run_batch_form(fcinfo, core::Operation::op);    \
    }

WORKITEM_BATCH_OPERATION(claim)
WORKITEM_BATCH_OPERATION(allocate)
WORKITEM_BATCH_OPERATION(start)
WORKITEM_BATCH_OPERATION(stop)
WORKITEM_BATCH_OPERATION(release)
WORKITEM_BATCH_OPERATION(delegate)
WORKITEM_BATCH_OPERATION(resolve)
WORKITEM_BATCH_OPERATION(forward)
WORKITEM_BATCH_OPERATION(suspend)
WORKITEM_BATCH_OPERATION(resume)
WORKITEM_BATCH_OPERATION(complete)
WORKITEM_BATCH_OPERATION(fail)
WORKITEM_BATCH_OPERATION(skip)
WORKITEM_BATCH_OPERATION(cancel)
WORKITEM_BATCH_OPERATION(mark_error)
WORKITEM_BATCH_OPERATION(heartbeat)
WORKITEM_BATCH_OPERATION(update)
WORKITEM_BATCH_OPERATION(save_output)
