// workitem_acknowledge_and_claim_next: a worker reports the outcomes of the items it held and
// takes more, in one call and one commit (transition/acknowledge.cpp). Here: the outcomes array
// decoded into one complete or fail call per entry.
#include "entry/call_arguments.hpp"
#include "runtime/boundary.hpp"
#include "runtime/settings.hpp"
#include "transition/settle_items.hpp"
#include "transition/transition.hpp"

extern "C" {
#include "utils/numeric.h"
}

using namespace workitem;
using namespace workitem::pg;

namespace {

[[noreturn]] void bad_outcome(int position, const char* why) {
    raise(core::ErrorCode::invalid_input, psprintf("outcomes[%d]: %s", position, why), nullptr,
          "Each outcome is {\"id\": <item id>, \"output\": <json>} to complete, or {\"id\": <item "
          "id>, \"fault\": <json>} to fail, with an optional \"expected_version\".");
}

// A whole number from a JSON number; false for anything else (7.5, "7", null).
bool read_integer(const JsonbValue* value, int64* out) {
    if (value == nullptr || value->type != jbvNumeric) return false;
    const char* text =
        DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(value->val.numeric)));
    // numeric_out writes digits, a sign and a point, never an exponent.
    if (strchr(text, '.') != nullptr) return false;
    errno = 0;
    char* end = nullptr;
    *out = strtoll(text, &end, 10);
    return errno == 0 && *end == '\0';
}

// outcomes[position] as a complete or fail call (the rest of the call is the caller's).
TransitionCall decode_outcome(JsonbValue* element, int position) {
    if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data)) {
        bad_outcome(position, "must be an object");
    }
    JsonbContainer* object = element->val.binary.data;
    JsonbValue id_buffer, output_buffer, fault_buffer, version_buffer;
    const JsonbValue* id = getKeyJsonValueFromContainer(object, "id", 2, &id_buffer);
    const JsonbValue* output = getKeyJsonValueFromContainer(object, "output", 6, &output_buffer);
    const JsonbValue* fault = getKeyJsonValueFromContainer(object, "fault", 5, &fault_buffer);
    const JsonbValue* version =
        getKeyJsonValueFromContainer(object, "expected_version", 16, &version_buffer);
    const int known =
        (id != nullptr) + (output != nullptr) + (fault != nullptr) + (version != nullptr);
    if (known != static_cast<int>(JsonContainerSize(object))) {
        bad_outcome(position, "has a key other than id, output, fault and expected_version");
    }
    if (output != nullptr && fault != nullptr) {
        bad_outcome(position, "has both output (complete) and fault (fail)");
    }
    TransitionCall call{};
    call.operation = fault != nullptr ? core::Operation::fail : core::Operation::complete;
    if (!read_integer(id, &call.item_id)) bad_outcome(position, "id must be an item id");
    if (version != nullptr && version->type != jbvNull) {
        if (!read_integer(version, &call.expected_version)) {
            bad_outcome(position, "expected_version must be a whole number or null");
        }
        call.has_expected_version = true;
    }
    const JsonbValue* body = fault != nullptr ? fault : output;
    if (body != nullptr && body->type != jbvNull) {
        call.body = JsonbValueToJsonb(const_cast<JsonbValue*>(body));
    }
    return call;
}

// The outcomes array, one call per entry; no item twice.
TransitionCall* decode_outcomes(Jsonb* outcomes, int* count) {
    *count = 0;
    if (outcomes == nullptr) return nullptr;
    if (!JB_ROOT_IS_ARRAY(outcomes) || JB_ROOT_IS_SCALAR(outcomes)) {
        raise(core::ErrorCode::invalid_input, "outcomes must be a JSON array (or NULL: none)");
    }
    const int size = static_cast<int>(JB_ROOT_COUNT(outcomes));
    require_batch_size("outcomes", size);
    auto* calls = static_cast<TransitionCall*>(palloc(sizeof(TransitionCall) * (size + 1)));
    auto* ids = static_cast<Datum*>(palloc(sizeof(Datum) * (size + 1)));
    auto* no_nulls = static_cast<bool*>(palloc0(sizeof(bool) * (size + 1)));
    for (int i = 0; i < size; ++i) {
        calls[i] = decode_outcome(getIthJsonbValueFromContainer(&outcomes->root, i), i);
        ids[i] = Int64GetDatum(calls[i].item_id);
    }
    require_distinct_ids("outcomes", ids, no_nulls, size);
    *count = size;
    return calls;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_acknowledge_and_claim_next);
}

// workitem_acknowledge_and_claim_next(actor, outcomes, queue, task_name, lease_seconds,
// max_items, idempotency_key)
extern "C" Datum workitem_acknowledge_and_claim_next(PG_FUNCTION_ARGS) {
    TransitionCall call{};
    call.operation = core::Operation::claim_next;
    call.actor = optional_text_arg(fcinfo, ack_actor);
    const char* queue = optional_text_arg(fcinfo, ack_queue);
    const char* task_name = optional_text_arg(fcinfo, ack_task_name);
    if (!PG_ARGISNULL(ack_lease_seconds)) {
        call.has_lease_seconds = true;
        call.lease_seconds = PG_GETARG_INT32(ack_lease_seconds);
    }
    call.idempotency_key = optional_text_arg(fcinfo, ack_idempotency_key);
    int max_items = 1;
    if (!PG_ARGISNULL(ack_max_items)) {
        max_items = PG_GETARG_INT32(ack_max_items);
        if (max_items < 0 || max_items > max_batch_size()) {
            raise(core::ErrorCode::invalid_input,
                  psprintf("max_items must be between 0 and workitem.max_batch_size (%d), not %d",
                           max_batch_size(), max_items));
        }
    }
    int outcome_count = 0;
    const TransitionCall* outcomes =
        decode_outcomes(optional_jsonb_arg(fcinfo, ack_outcomes), &outcome_count);
    run_acknowledge_and_claim_next(call, outcomes, outcome_count, queue, task_name, max_items,
                                   fcinfo, ack_idempotency_key);
    return Datum(0);
}
