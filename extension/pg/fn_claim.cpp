// Taking work: workitem_claim (one item by id) and workitem_claim_next (the best one offered).
#include "boundary.hpp"
#include "transition.hpp"

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_claim);
PG_FUNCTION_INFO_V1(workitem_claim_next);
}

// workitem_claim(id, actor, expected_version, idempotency_key, lease_seconds)
extern "C" Datum workitem_claim(PG_FUNCTION_ARGS) {
    TransitionCall call = decode_common(fcinfo, core::Operation::claim, 2, 3);
    if (!PG_ARGISNULL(4)) {
        call.has_lease_seconds = true;
        call.lease_seconds = PG_GETARG_INT32(4);
    }
    PG_RETURN_DATUM(run_transition(call));
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

    InitMaterializedSRF(fcinfo, 0);
    Datum item = 0;
    if (run_claim_next(call, queue, task_name, &item)) {
        auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
        HeapTupleHeader header = DatumGetHeapTupleHeader(item);
        HeapTupleData tuple{};
        tuple.t_len = HeapTupleHeaderGetDatumLength(header);
        tuple.t_data = header;
        tuplestore_puttuple(result->setResult, &tuple);
    }
    return Datum(0);
}
