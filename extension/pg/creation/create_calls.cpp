#include "creation/create_calls.hpp"

#include "creation/reachability.hpp"
#include "policy/idempotency.hpp"
#include "runtime/boundary.hpp"
#include "runtime/spi.hpp"
#include "transition/batch_results.hpp"

namespace workitem::pg {

namespace {

void put_create_row(ReturnSetInfo* result, int position, const CreateOutcome& outcome) {
    Datum values[6] = {Int32GetDatum(position),
                       Datum(0),
                       BoolGetDatum(outcome.ok),
                       Datum(0),
                       Datum(0),
                       outcome.item};
    bool nulls[6] = {false, true, false, true, true, !outcome.ok};
    if (outcome.ok) {
        bool is_null = false;
        values[1] = GetAttributeByName(DatumGetHeapTupleHeader(outcome.item), "id", &is_null);
        nulls[1] = is_null;
    } else {
        values[3] = CStringGetTextDatum(unpack_sql_state(outcome.sqlerrcode));
        values[4] = CStringGetTextDatum(outcome.message);
        nulls[3] = nulls[4] = false;
    }
    tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
}

void append_created(StringInfo out, int position, const CreateOutcome& outcome) {
    int64 id = 0;
    if (outcome.ok) {
        bool is_null = false;
        id = DatumGetInt64(
            GetAttributeByName(DatumGetHeapTupleHeader(outcome.item), "id", &is_null));
    }
    append_result_json(out, position == 1, position, id, outcome.ok,
                       outcome.ok ? nullptr : unpack_sql_state(outcome.sqlerrcode), outcome.message,
                       outcome.ok ? outcome.item : Datum(0));
}

}  // namespace

Datum create_one(const char* tenant, const CreateArgs& args, FunctionCallInfo fcinfo,
                 int key_argument) {
    spi::connect();
    IdempotencyClaim claim{};
    if (args.idempotency_key != nullptr) {
        claim = claim_key(tenant, args.actor, args.idempotency_key, "create", fcinfo, key_argument);
        if (claim.replay) {
            const Datum item = item_from_jsonb(claim.outcome);
            spi::finish();
            return item;
        }
    }
    const CreateOutcome outcome = create_item(tenant, args, false);
    const char* unreachable = unreachable_reason(tenant, outcome.item);
    if (args.idempotency_key != nullptr) {
        bool is_null = false;
        const int64 id = DatumGetInt64(
            GetAttributeByName(DatumGetHeapTupleHeader(outcome.item), "id", &is_null));
        remember_outcome(tenant, args.actor, args.idempotency_key, "create", claim, id,
                         item_to_jsonb(outcome.item), false);
    }
    // Inside SPI: the reason lives in its memory.
    if (unreachable != nullptr) warn_unreachable(unreachable);
    spi::finish();
    return outcome.item;
}

void create_each(const char* tenant, const CreateElement* elements, int count, const char* actor,
                 const char* idempotency_key, ReturnSetInfo* result, FunctionCallInfo fcinfo,
                 int key_argument) {
    spi::connect();
    IdempotencyClaim claim{};
    if (idempotency_key != nullptr) {
        claim = claim_key(tenant, actor, idempotency_key, "create_many", fcinfo, key_argument);
        if (claim.replay) {
            replay_created(result, claim.outcome);
            spi::finish();
            return;
        }
    }
    StringInfo outcome_json = makeStringInfo();
    appendStringInfoChar(outcome_json, '[');
    auto* unreachable = static_cast<const char**>(palloc0(sizeof(const char*) * (count + 1)));
    int unreachable_count = 0;
    int created = 0;
    for (int i = 0; i < count; ++i) {
        const CreateElement& element = elements[i];
        const CreateOutcome outcome =
            element.error == nullptr
                ? create_item(tenant, element.args, true)
                : CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::invalid_input),
                                element.error};
        if (outcome.ok) {
            ++created;
            if (const char* reason = unreachable_reason(tenant, outcome.item))
                unreachable[unreachable_count++] = reason;
        }
        put_create_row(result, i + 1, outcome);
        if (idempotency_key != nullptr) append_created(outcome_json, i + 1, outcome);
    }
    if (idempotency_key != nullptr) {
        appendStringInfoChar(outcome_json, ']');
        remember_outcome(tenant, actor, idempotency_key, "create_many", claim, 0,
                         DirectFunctionCall1(jsonb_in, CStringGetDatum(outcome_json->data)), false);
    }
    warn_unreachable_batch(created, unreachable, unreachable_count);  // inside SPI, as its reasons
    spi::finish();
}

}  // namespace workitem::pg
