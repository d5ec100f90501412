// Working on a held item and ending it: start, complete, cancel.
#include "transition.hpp"

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_start);
PG_FUNCTION_INFO_V1(workitem_complete);
PG_FUNCTION_INFO_V1(workitem_cancel);
}

// workitem_start(id, actor, expected_version, idempotency_key)
extern "C" Datum workitem_start(PG_FUNCTION_ARGS) {
    PG_RETURN_DATUM(run_transition(decode_common(fcinfo, core::Operation::start, 2, 3)));
}

// workitem_complete(id, actor, output, expected_version, idempotency_key)
extern "C" Datum workitem_complete(PG_FUNCTION_ARGS) {
    TransitionCall call = decode_common(fcinfo, core::Operation::complete, 3, 4);
    call.body = optional_jsonb_arg(fcinfo, 2);
    PG_RETURN_DATUM(run_transition(call));
}

// workitem_cancel(id, actor, reason, expected_version, idempotency_key)
extern "C" Datum workitem_cancel(PG_FUNCTION_ARGS) {
    TransitionCall call = decode_common(fcinfo, core::Operation::cancel, 3, 4);
    call.reason = optional_text_arg(fcinfo, 2);
    PG_RETURN_DATUM(run_transition(call));
}
