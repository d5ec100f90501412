// workitem_create and workitem_create_many: new items, placed by their distribution strategy,
// one `created` event each.
#include "runtime/boundary.hpp"
#include "policy/caller.hpp"
#include "transition/batch_results.hpp"
#include "creation/create_item.hpp"
#include "item/deadlines.hpp"
#include "policy/idempotency.hpp"
#include "runtime/settings.hpp"
#include "runtime/spi.hpp"
#include "entry/call_arguments.hpp"
#include "transition/call.hpp"

using namespace workitem;
using namespace workitem::pg;

namespace {

OptionalTime time_arg(FunctionCallInfo fcinfo, int arg) {
    if (PG_NARGS() <= arg || PG_ARGISNULL(arg)) return OptionalTime{false, 0};
    return OptionalTime{true, PG_GETARG_TIMESTAMPTZ(arg)};
}

// Creating needs the service or admin capability (a service acting on behalf of a user or a
// reader may not); the initiator is the caller unless a service names one.
Caller admit_creator(const char* function) {
    const Caller caller = current_caller();
    if (!caller.may_write) {
        raise(core::ErrorCode::not_authorized,
              psprintf("role %s may only read work items (capability %s)", caller.role_name,
                       caller.capability));
    }
    require_service_or_admin(caller, function);
    return caller;
}

// --- create_many: one element of the items array -> CreateArgs, or why it cannot be one.

const char* element_error(const char* field, const char* why) {
    return psprintf("items element: %s %s", field, why);
}

JsonbValue* field(JsonbContainer* element, const char* name, JsonbValue* buffer) {
    return getKeyJsonValueFromContainer(element, name, strlen(name), buffer);
}

bool read_text(JsonbContainer* element, const char* name, const char** out, const char** error) {
    JsonbValue buffer;
    JsonbValue* value = field(element, name, &buffer);
    if (value == nullptr || value->type == jbvNull) return true;
    if (value->type != jbvString) {
        *error = element_error(name, "must be a string");
        return false;
    }
    *out = pnstrdup(value->val.string.val, value->val.string.len);
    return true;
}

bool read_document(JsonbContainer* element, const char* name, Jsonb** out, const char** error) {
    JsonbValue buffer;
    JsonbValue* value = field(element, name, &buffer);
    if (value == nullptr || value->type == jbvNull) return true;
    if (value->type != jbvBinary && value->type != jbvString && value->type != jbvNumeric &&
        value->type != jbvBool) {
        *error = element_error(name, "must be a JSON value");
        return false;
    }
    *out = JsonbValueToJsonb(value);
    return true;
}

bool read_time(JsonbContainer* element, const char* name, OptionalTime* out, const char** error) {
    const char* text = nullptr;
    if (!read_text(element, name, &text, error)) return false;
    if (text == nullptr) return true;
    // Read without raising: a malformed time is this element's row, not the whole call's error
    // (an infinite or out-of-range one is refused by the core, as workitem_create's).
    TimestampTz time = 0;
    if (!read_timestamptz(text, &time)) {
        *error = element_error(name, "must be a timestamp");
        return false;
    }
    *out = OptionalTime{true, time};
    return true;
}

bool read_element(JsonbContainer* element, CreateArgs* args, const char** error) {
    static const char* const known[] = {"workflow_id",  "task_name", "assignment", "input",
                                        "priority",     "queue",     "due_at",     "activate_at",
                                        "expires_at",   "skippable", "step_ref",   "run_id",
                                        "follow_up_at", "deadlines"};
    JsonbIterator* it = JsonbIteratorInit(element);
    JsonbValue value;
    JsonbIteratorToken token;
    bool skip_nested = false;
    while ((token = JsonbIteratorNext(&it, &value, skip_nested)) != WJB_DONE) {
        skip_nested = true;
        if (token != WJB_KEY) continue;
        bool is_known = false;
        for (const char* name : known) {
            is_known |= strlen(name) == static_cast<size_t>(value.val.string.len) &&
                        strncmp(name, value.val.string.val, value.val.string.len) == 0;
        }
        if (!is_known) {
            *error = element_error(pnstrdup(value.val.string.val, value.val.string.len),
                                   "is not a parameter of workitem_create");
            return false;
        }
    }
    if (!read_text(element, "workflow_id", &args->workflow_id, error) ||
        !read_text(element, "task_name", &args->task_name, error) ||
        !read_text(element, "queue", &args->queue, error) ||
        !read_text(element, "step_ref", &args->step_ref, error) ||
        !read_text(element, "run_id", &args->run_id, error) ||
        !read_document(element, "assignment", &args->assignment, error) ||
        !read_document(element, "input", &args->input, error) ||
        !read_document(element, "deadlines", &args->deadlines, error) ||
        !read_time(element, "due_at", &args->due_at, error) ||
        !read_time(element, "activate_at", &args->activate_at, error) ||
        !read_time(element, "expires_at", &args->expires_at, error) ||
        !read_time(element, "follow_up_at", &args->follow_up_at, error)) {
        return false;
    }
    JsonbValue buffer;
    if (JsonbValue* priority = field(element, "priority", &buffer);
        priority != nullptr && priority->type != jbvNull) {
        bool out_of_range = false;
        if (priority->type == jbvNumeric) {
            args->priority = numeric_int4_opt_error(priority->val.numeric, &out_of_range);
        }
        // Not numeric_int4: its range error would abort every element of the call.
        if (priority->type != jbvNumeric || out_of_range) {
            *error = element_error("priority", "must be an integer from -2147483648 to 2147483647");
            return false;
        }
    }
    if (JsonbValue* skippable = field(element, "skippable", &buffer);
        skippable != nullptr && skippable->type != jbvNull) {
        if (skippable->type != jbvBool) {
            *error = element_error("skippable", "must be true or false");
            return false;
        }
        args->skippable = skippable->val.boolean;
    }
    if (args->workflow_id == nullptr) {
        *error = element_error("workflow_id", "is required");
        return false;
    }
    if (args->task_name == nullptr) {
        *error = element_error("task_name", "is required");
        return false;
    }
    return true;
}

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

extern "C" {
PG_FUNCTION_INFO_V1(workitem_create);
PG_FUNCTION_INFO_V1(workitem_create_many);
}

extern "C" Datum workitem_create(PG_FUNCTION_ARGS) {
    const Caller caller = admit_creator("workitem_create");
    const char* tenant = caller.tenant;
    CreateArgs args{};
    args.workflow_id = optional_text_arg(fcinfo, a_workflow_id);
    if (args.workflow_id == nullptr)
        raise(core::ErrorCode::invalid_input, "workflow_id is required");
    args.task_name = optional_text_arg(fcinfo, a_task_name);
    if (args.task_name == nullptr) raise(core::ErrorCode::invalid_input, "task_name is required");
    args.assignment = optional_jsonb_arg(fcinfo, a_assignment);
    args.input = optional_jsonb_arg(fcinfo, a_input);
    args.priority = PG_ARGISNULL(a_priority) ? 0 : PG_GETARG_INT32(a_priority);
    args.queue = optional_text_arg(fcinfo, a_queue);
    args.due_at = time_arg(fcinfo, a_due_at);
    args.activate_at = time_arg(fcinfo, a_activate_at);
    args.expires_at = time_arg(fcinfo, a_expires_at);
    args.follow_up_at = time_arg(fcinfo, a_follow_up_at);
    args.deadlines = optional_jsonb_arg(fcinfo, a_deadlines);
    args.skippable = !PG_ARGISNULL(a_skippable) && PG_GETARG_BOOL(a_skippable);
    args.step_ref = optional_text_arg(fcinfo, a_step_ref);
    args.run_id = optional_text_arg(fcinfo, a_run_id);
    args.actor = actor_for(caller, optional_text_arg(fcinfo, a_actor));
    args.creator_is_service = caller.is_service;
    args.capability = caller.capability;
    args.creator_is_admin = caller.is_admin;
    args.idempotency_key = optional_text_arg(fcinfo, a_idempotency_key);

    spi::connect();
    IdempotencyClaim claim{};
    if (args.idempotency_key != nullptr) {
        claim = claim_key(tenant, args.actor, args.idempotency_key, fcinfo, a_idempotency_key);
        if (claim.replay) {
            const Datum item = item_from_jsonb(claim.outcome);
            spi::finish();
            PG_RETURN_DATUM(item);
        }
    }
    const CreateOutcome outcome = create_item(tenant, args, false);
    if (args.idempotency_key != nullptr) {
        bool is_null = false;
        const int64 id = DatumGetInt64(
            GetAttributeByName(DatumGetHeapTupleHeader(outcome.item), "id", &is_null));
        remember_outcome(tenant, args.actor, args.idempotency_key, "create", claim, id,
                         item_to_jsonb(outcome.item), false);
    }
    spi::finish();
    PG_RETURN_DATUM(outcome.item);
}

// workitem_create_many(items jsonb, actor text, idempotency_key text)
extern "C" Datum workitem_create_many(PG_FUNCTION_ARGS) {
    const Caller caller = admit_creator("workitem_create_many");
    const char* tenant = caller.tenant;
    if (PG_ARGISNULL(cm_items)) raise(core::ErrorCode::invalid_input, "items is required");
    Jsonb* items = PG_GETARG_JSONB_P(cm_items);
    if (!JB_ROOT_IS_ARRAY(items) || JB_ROOT_IS_SCALAR(items)) {
        raise(core::ErrorCode::invalid_input, "items must be a JSON array of objects");
    }
    const int count = static_cast<int>(JB_ROOT_COUNT(items));
    if (count > max_batch_size()) {
        raise(core::ErrorCode::invalid_input,
              psprintf("items has %d elements, more than workitem.max_batch_size (%d)", count,
                       max_batch_size()));
    }
    const char* actor = actor_for(caller, optional_text_arg(fcinfo, cm_actor));
    const char* idempotency_key = optional_text_arg(fcinfo, cm_idempotency_key);

    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    spi::connect();
    IdempotencyClaim claim{};
    if (idempotency_key != nullptr) {
        claim = claim_key(tenant, actor, idempotency_key, fcinfo, cm_idempotency_key);
        if (claim.replay) {
            replay_created(result, claim.outcome);
            spi::finish();
            return Datum(0);
        }
    }
    StringInfo outcome_json = makeStringInfo();
    appendStringInfoChar(outcome_json, '[');
    for (int i = 0; i < count; ++i) {
        JsonbValue* element = getIthJsonbValueFromContainer(&items->root, i);
        CreateArgs args{};
        args.actor = actor;
        args.creator_is_service = caller.is_service;
        args.capability = caller.capability;
        args.creator_is_admin = caller.is_admin;
        args.idempotency_key = idempotency_key;
        const char* error = nullptr;
        CreateOutcome outcome{};
        if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data)) {
            error = "items element: must be a JSON object";
        } else if (read_element(element->val.binary.data, &args, &error)) {
            outcome = create_item(tenant, args, true);
        }
        if (error != nullptr) {
            outcome =
                CreateOutcome{false, Datum(0), sqlstate_of(core::ErrorCode::invalid_input), error};
        }
        put_create_row(result, i + 1, outcome);
        if (idempotency_key != nullptr) append_created(outcome_json, i + 1, outcome);
    }
    if (idempotency_key != nullptr) {
        appendStringInfoChar(outcome_json, ']');
        remember_outcome(tenant, actor, idempotency_key, "create_many", claim, 0,
                         DirectFunctionCall1(jsonb_in, CStringGetDatum(outcome_json->data)), false);
    }
    spi::finish();
    return Datum(0);
}
