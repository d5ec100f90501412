// workitem_create: a new item, placed by its distribution strategy, one `created` event.
#include <string>

#include "workitem/core/decide.hpp"

#include "boundary.hpp"
#include "change_context.hpp"
#include "item_row.hpp"
#include "settings.hpp"
#include "spi.hpp"
#include "transition.hpp"

namespace workitem::pg {

namespace {

// Where plan_create placed the item, as plain data.
struct Placement {
    const char* state;
    const char* owner;
    bool has_lease_seconds;
    int32 lease_seconds;
    bool has_lease_until;
    TimestampTz lease_until;
};

spi::Statement insert_item{
    "INSERT INTO workitem.item AS i (tenant_id, workflow_id, run_id, step_ref, task_name, queue, "
    "state, priority, assignment, owner, input, activate_at, due_at, follow_up_at, expires_at, "
    "skippable, lease_seconds, lease_until, created_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::workitem.state, $8, $9, $10, $11, $12, $13, $14, $15, "
    "$16, $17, $18, $19) RETURNING i",
    19,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, JSONBOID, TEXTOID,
     JSONBOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID, BOOLOID, INT4OID,
     TIMESTAMPTZOID, TEXTOID},
    nullptr};

enum Arg : int {
    a_workflow_id,
    a_task_name,
    a_assignment,
    a_input,
    a_priority,
    a_queue,
    a_due_at,
    a_activate_at,
    a_expires_at,
    a_skippable,
    a_step_ref,
    a_actor,
    a_idempotency_key,
    a_run_id,
    a_follow_up_at,
};

const char* required_text(FunctionCallInfo fcinfo, int arg, const char* name) {
    const char* value = optional_text_arg(fcinfo, arg);
    if (value == nullptr) raise(core::ErrorCode::invalid_input, psprintf("%s is required", name));
    return value;
}

std::optional<core::Timestamp> optional_time(FunctionCallInfo fcinfo, int arg) {
    if (PG_ARGISNULL(arg)) return std::nullopt;
    return to_core_time(PG_GETARG_TIMESTAMPTZ(arg));
}

std::optional<std::string_view> view(const char* text) {
    if (text == nullptr) return std::nullopt;
    return std::string_view{text};
}

}  // namespace

}  // namespace workitem::pg

using namespace workitem;
using namespace workitem::pg;

extern "C" {
PG_FUNCTION_INFO_V1(workitem_create);
}

extern "C" Datum workitem_create(PG_FUNCTION_ARGS) {
    // Decode (PG zone).
    const char* tenant = current_tenant();
    const char* workflow_id = required_text(fcinfo, a_workflow_id, "workflow_id");
    const char* task_name = required_text(fcinfo, a_task_name, "task_name");
    Jsonb* assignment = optional_jsonb_arg(fcinfo, a_assignment);
    const char* assignment_text =
        assignment ? JsonbToCString(nullptr, &assignment->root, VARSIZE(assignment)) : "{}";
    Jsonb* input = optional_jsonb_arg(fcinfo, a_input);
    const int32 priority = PG_ARGISNULL(a_priority) ? 0 : PG_GETARG_INT32(a_priority);
    const char* queue = optional_text_arg(fcinfo, a_queue);
    const bool skippable = !PG_ARGISNULL(a_skippable) && PG_GETARG_BOOL(a_skippable);
    const char* step_ref = optional_text_arg(fcinfo, a_step_ref);
    const char* run_id = optional_text_arg(fcinfo, a_run_id);
    const char* actor = optional_text_arg(fcinfo, a_actor);
    if (actor == nullptr) actor = GetUserNameFromId(GetOuterUserId(), false);
    const char* idempotency_key = optional_text_arg(fcinfo, a_idempotency_key);
    const core::Limits limits = current_limits();
    const core::Timestamp now = core_now();

    // Decide (core).
    const Placement placement = cpp_boundary([&]() -> core::Result<Placement> {
        core::CreateCommand command;
        command.workflow_id = workflow_id;
        command.task_name = task_name;
        command.run_id = view(run_id);
        command.step_ref = view(step_ref);
        command.queue = view(queue);
        command.assignment = assignment_text;
        if (input) command.input_bytes = VARSIZE(input);
        command.priority = priority;
        command.due_at = optional_time(fcinfo, a_due_at);
        command.activate_at = optional_time(fcinfo, a_activate_at);
        command.expires_at = optional_time(fcinfo, a_expires_at);
        command.skippable = skippable;
        core::Actor creator;
        creator.id = actor;
        creator.acts_as_service = true;
        auto plan = core::plan_create(command, creator, limits, now);
        if (!plan) return plan.error();
        Placement p{};
        p.state = core::to_string(plan->state).data();  // labels are static, NUL-terminated
        p.owner = plan->owner ? copy_to_palloc(*plan->owner) : nullptr;
        p.has_lease_seconds = plan->lease_seconds.has_value();
        p.lease_seconds = plan->lease_seconds.value_or(0);
        p.has_lease_until = plan->lease_until.has_value();
        if (plan->lease_until) p.lease_until = to_pg_time(*plan->lease_until);
        return p;
    });

    // Act (PG zone): insert; the trigger writes the one `created` event.
    auto text_or_null = [](const char* text) {
        return text ? CStringGetTextDatum(text) : Datum(0);
    };
    auto arg_or_null = [&](int arg) { return PG_ARGISNULL(arg) ? Datum(0) : PG_GETARG_DATUM(arg); };
    Datum values[19] = {
        CStringGetTextDatum(tenant),
        CStringGetTextDatum(workflow_id),
        text_or_null(run_id),
        text_or_null(step_ref),
        CStringGetTextDatum(task_name),
        text_or_null(queue),
        CStringGetTextDatum(placement.state),
        Int32GetDatum(priority),
        assignment ? JsonbPGetDatum(assignment) : Datum(0),
        text_or_null(placement.owner),
        input ? JsonbPGetDatum(input) : Datum(0),
        arg_or_null(a_activate_at),
        arg_or_null(a_due_at),
        PG_NARGS() > a_follow_up_at ? arg_or_null(a_follow_up_at) : Datum(0),
        arg_or_null(a_expires_at),
        BoolGetDatum(skippable),
        Int32GetDatum(placement.lease_seconds),
        TimestampTzGetDatum(placement.lease_until),
        CStringGetTextDatum(actor),
    };
    char nulls[20] = "                   ";
    auto null_if = [&](int position, bool is_null) { nulls[position] = is_null ? 'n' : ' '; };
    null_if(2, run_id == nullptr);
    null_if(3, step_ref == nullptr);
    null_if(5, queue == nullptr);
    if (assignment == nullptr) values[8] = DirectFunctionCall1(jsonb_in, CStringGetDatum("{}"));
    null_if(9, placement.owner == nullptr);
    null_if(10, input == nullptr);
    null_if(11, PG_ARGISNULL(a_activate_at));
    null_if(12, PG_ARGISNULL(a_due_at));
    null_if(13, PG_NARGS() <= a_follow_up_at || PG_ARGISNULL(a_follow_up_at));
    null_if(14, PG_ARGISNULL(a_expires_at));
    null_if(16, !placement.has_lease_seconds);
    null_if(17, !placement.has_lease_until);

    spi::connect();
    begin_change(
        PendingChange{0, core::Operation::create, actor, nullptr, idempotency_key, true, true});
    spi::execute(insert_item, values, nulls, 1);
    end_change();
    bool is_null = false;
    const Datum item = spi::first_column(0, &is_null);
    spi::finish();
    PG_RETURN_DATUM(item);
}
