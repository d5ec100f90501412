#include "transition/write.hpp"

#include "events/change_context.hpp"
#include "item/update.hpp"

extern "C" {
#include "utils/tuplestore.h"
}

namespace workitem::pg {

Datum write(const TransitionCall& call, int64 item_id, const core::Change& change,
            const ItemRow* decided_on) {
    begin_change(PendingChange{item_id, call.operation, call.actor, call.reason,
                               call.idempotency_key, change.bumps_version, change.writes_event,
                               call.capability});
    const Datum item = update_item(item_id, change, call, decided_on);
    end_change();
    return item;
}

void put_tuple(FunctionCallInfo fcinfo, Datum composite) {
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    HeapTupleHeader header = DatumGetHeapTupleHeader(composite);
    HeapTupleData tuple{};
    tuple.t_len = HeapTupleHeaderGetDatumLength(header);
    tuple.t_data = header;
    tuplestore_puttuple(result->setResult, &tuple);
}

}  // namespace workitem::pg
