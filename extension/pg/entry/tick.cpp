// workitem_tick and workitem.maintain_event_partitions: the timer's work, once, on a call
// (timers/tick.hpp), for a scheduler where the background worker is not loaded.
#include "runtime/boundary.hpp"

#include "policy/caller.hpp"
#include "timers/tick.hpp"

extern "C" {
#include "utils/tuplestore.h"
}

extern "C" {
PG_FUNCTION_INFO_V1(workitem_tick);
}

// workitem_tick(max_items): the worker's work, once, in the caller's transaction - for pg_cron,
// an external scheduler, or a server without the preloaded library. One row per kind of action.
extern "C" Datum workitem_tick(PG_FUNCTION_ARGS) {
    using namespace workitem;
    using namespace workitem::pg;
    if (PG_ARGISNULL(0) || PG_GETARG_INT32(0) < 1) {
        raise(core::ErrorCode::invalid_input, "max_items must be 1 or more", nullptr,
              "It bounds how many items this tick acts on; call again for more.");
    }
    // A tick acts on (and locks) every tenant's due items in the caller's transaction: services
    // only (its declared capability), never a tenant's administrator or a service on behalf.
    authorize_declared("workitem_tick");
    const TimerCounts counts = tick_once(PG_GETARG_INT32(0));
    constexpr int outcome_count = static_cast<int>(TimerOutcome::count);

    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    for (int i = 0; i < outcome_count; ++i) {
        Datum values[3] = {CStringGetTextDatum(outcome_name(static_cast<TimerOutcome>(i))),
                           Int64GetDatum(counts.done[i]), Int64GetDatum(counts.failed[i])};
        bool nulls[3] = {false, false, false};
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
    PG_RETURN_NULL();
}

extern "C" {
PG_FUNCTION_INFO_V1(workitem_maintain_event_partitions);
}

// workitem.maintain_event_partitions(): the worker's partition upkeep, once, for a superuser's
// scheduler where the worker is not loaded. Its own transaction is the caller's business.
extern "C" Datum workitem_maintain_event_partitions(PG_FUNCTION_ARGS) {
    using namespace workitem::pg;
    const PartitionUpkeep upkeep = maintain_event_partitions_once();

    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    Datum values[2] = {Int32GetDatum(upkeep.dropped), Int32GetDatum(upkeep.created)};
    bool nulls[2] = {false, false};
    tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    PG_RETURN_NULL();
}
