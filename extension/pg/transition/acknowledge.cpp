// The acknowledge-and-claim path: a worker's outcomes for the items it held, settled as the batch
// forms settle theirs (transition/settle_items.hpp), then more items claimed as claim_next claims
// them (transition/next_claims.hpp) — one call, one commit, one idempotency key for all of it.
// The outcomes come first, so the capacity they free is there for the claims.
#include "transition/transition.hpp"

#include "transition/batch_results.hpp"
#include "transition/keyed_call.hpp"
#include "transition/next_claims.hpp"
#include "transition/settle_items.hpp"

#include "item/row.hpp"
#include "runtime/spi.hpp"

namespace workitem::pg {

void run_acknowledge_and_claim_next(const TransitionCall& requested, const TransitionCall* outcomes,
                                    int outcome_count, const char* queue, const char* task_name,
                                    int max_items, FunctionCallInfo fcinfo, int key_argument) {
    TransitionCall call = requested;
    const char* tenant = admit_caller(call, true);
    const core::Timestamp now = core_now();
    validate_call(call, now);
    // Each outcome is the caller's own complete or fail call on its item.
    auto* settles =
        static_cast<TransitionCall*>(palloc(sizeof(TransitionCall) * (outcome_count + 1)));
    for (int i = 0; i < outcome_count; ++i) {
        settles[i] = call;
        settles[i].operation = outcomes[i].operation;
        settles[i].item_id = outcomes[i].item_id;
        settles[i].has_expected_version = outcomes[i].has_expected_version;
        settles[i].expected_version = outcomes[i].expected_version;
        settles[i].body = outcomes[i].body;
        settles[i].has_lease_seconds = false;
        validate_call(settles[i], now);
    }

    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    spi::connect();
    KeyedCall keyed{tenant, call, fcinfo, key_argument};
    if (keyed.replays()) {
        replay_acknowledged(result, keyed.claim.outcome);
        spi::finish();
        return;
    }
    BatchResults results = begin_batch_results(result, keyed.keyed());
    results.kind = "complete";  // settle_items names each row after its call's operation
    settle_items(tenant, settles, outcome_count, now, results);

    results.kind = "claim";
    NextClaims claims{tenant, call, queue, task_name, now};
    Datum* items = static_cast<Datum*>(palloc(sizeof(Datum) * (max_items + 1)));
    const int count = claims.claim_up_to(max_items, items);
    for (int claimed = 0; claimed < count; ++claimed) {
        const Datum item = items[claimed];
        bool is_null = false;
        const int64 id =
            DatumGetInt64(GetAttributeByName(DatumGetHeapTupleHeader(item), "id", &is_null));
        add_batch_success(results, id, item);
    }
    keyed.remember(0, batch_outcome(results), false);
    spi::finish();
}

}  // namespace workitem::pg
