// workitem_create and workitem_create_many: new items, placed by their distribution strategy,
// one `created` event each (extension/pg/creation/).
#include "creation/create_calls.hpp"
#include "entry/call_arguments.hpp"
#include "entry/create_elements.hpp"
#include "policy/caller.hpp"
#include "runtime/boundary.hpp"
#include "runtime/settings.hpp"

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

// Who creates, for every request of the call.
void set_creator(CreateArgs* args, const Caller& caller, const char* actor,
                 const char* idempotency_key) {
    args->actor = actor;
    args->creator_is_service = caller.is_service;
    args->capability = caller.capability;
    args->creator_is_admin = caller.is_admin;
    args->idempotency_key = idempotency_key;
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_create);
PG_FUNCTION_INFO_V1(workitem_create_many);
}

extern "C" Datum workitem_create(PG_FUNCTION_ARGS) {
    const Caller caller = admit_creator("workitem_create");
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
    set_creator(&args, caller, actor_for(caller, optional_text_arg(fcinfo, a_actor)),
                optional_text_arg(fcinfo, a_idempotency_key));
    PG_RETURN_DATUM(create_one(caller.tenant, args, fcinfo, a_idempotency_key));
}

// workitem_create_many(items jsonb, actor text, idempotency_key text)
extern "C" Datum workitem_create_many(PG_FUNCTION_ARGS) {
    const Caller caller = admit_creator("workitem_create_many");
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
    auto* elements = static_cast<CreateElement*>(palloc0(sizeof(CreateElement) * (count + 1)));
    for (int i = 0; i < count; ++i) {
        JsonbValue* element = getIthJsonbValueFromContainer(&items->root, i);
        set_creator(&elements[i].args, caller, actor, idempotency_key);
        if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data)) {
            elements[i].error = "items element: must be a JSON object";
        } else {
            read_create_element(element->val.binary.data, &elements[i].args, &elements[i].error);
        }
    }
    InitMaterializedSRF(fcinfo, 0);
    create_each(caller.tenant, elements, count, actor, idempotency_key,
                reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo), fcinfo, cm_idempotency_key);
    return Datum(0);
}
