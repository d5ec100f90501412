#include "entry/call_arguments.hpp"
#include "item/deadlines.hpp"

#include "runtime/boundary.hpp"

namespace workitem::pg {

namespace {
using Op = core::Operation;

// (id, actor, ...) signatures, as declared in extension/sql/workitem.sql.
const ArgumentLayout layouts[] = {
    {.operation = Op::claim, .expected_version = 2, .idempotency_key = 3, .lease_seconds = 4},
    {.operation = Op::allocate,
     .expected_version = 4,
     .idempotency_key = 5,
     .to_user = 2,
     .override_owner = 3},
    {.operation = Op::start, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::stop, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::release, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::delegate, .expected_version = 3, .idempotency_key = 4, .to_user = 2},
    {.operation = Op::resolve, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::forward,
     .expected_version = 3,
     .idempotency_key = 4,
     .body = 2,
     .body_name = "assignment"},
    {.operation = Op::suspend, .expected_version = 3, .idempotency_key = 4, .until = 2},
    {.operation = Op::resume, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::complete,
     .expected_version = 3,
     .idempotency_key = 4,
     .body = 2,
     .body_name = "output"},
    {.operation = Op::fail,
     .expected_version = 3,
     .idempotency_key = 4,
     .body = 2,
     .body_name = "fault"},
    {.operation = Op::skip, .expected_version = 2, .idempotency_key = 3},
    {.operation = Op::cancel, .expected_version = 3, .idempotency_key = 4, .reason = 2},
    {.operation = Op::mark_error,
     .expected_version = 3,
     .idempotency_key = 4,
     .body = 2,
     .body_name = "fault"},
    {.operation = Op::heartbeat, .lease_seconds = 2},
    {.operation = Op::update,
     .expected_version = 8,
     .idempotency_key = 9,
     .update_from = 2,
     .deadlines = 10},
    {.operation = Op::save_output,
     .expected_version = 3,
     .idempotency_key = 4,
     .body = 2,
     .body_name = "output"},
};

bool given(FunctionCallInfo fcinfo, int arg) {
    return arg >= 0 && arg < PG_NARGS() && !PG_ARGISNULL(arg);
}

const char* jsonb_text(Jsonb* document) {
    return JsonbToCString(nullptr, &document->root, static_cast<int>(VARSIZE(document)));
}
}  // namespace

const char* optional_text_arg(FunctionCallInfo fcinfo, int arg) {
    if (arg < 0 || PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return text_to_cstring(PG_GETARG_TEXT_PP(arg));
}

Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg) {
    if (arg < 0 || PG_NARGS() <= arg || PG_ARGISNULL(arg)) return nullptr;
    return PG_GETARG_JSONB_P(arg);
}

const ArgumentLayout* all_layouts(int* count) {
    *count = static_cast<int>(sizeof(layouts) / sizeof(layouts[0]));
    return layouts;
}

const ArgumentLayout& layout_of(core::Operation operation) {
    for (const auto& layout : layouts) {
        if (layout.operation == operation) return layout;
    }
    elog(ERROR, "workitem: no argument layout for operation %s", core::to_string(operation).data());
    pg_unreachable();
}

TransitionCall decode_call(FunctionCallInfo fcinfo, const ArgumentLayout& layout) {
    TransitionCall call{};
    call.operation = layout.operation;
    call.actor = optional_text_arg(fcinfo, 1);
    if (layout.idempotency_key >= 0)
        call.idempotency_key = optional_text_arg(fcinfo, layout.idempotency_key);
    if (given(fcinfo, layout.lease_seconds)) {
        call.has_lease_seconds = true;
        call.lease_seconds = PG_GETARG_INT32(layout.lease_seconds);
    }
    if (layout.to_user >= 0) call.to_user = optional_text_arg(fcinfo, layout.to_user);
    if (given(fcinfo, layout.override_owner))
        call.override_owner = PG_GETARG_BOOL(layout.override_owner);
    if (given(fcinfo, layout.until)) {
        call.has_until = true;
        call.until = PG_GETARG_TIMESTAMPTZ(layout.until);
    }
    if (layout.reason >= 0) call.reason = optional_text_arg(fcinfo, layout.reason);
    if (layout.body >= 0) call.body = optional_jsonb_arg(fcinfo, layout.body);
    if (layout.operation == core::Operation::forward && call.body != nullptr) {
        call.assignment_text = jsonb_text(call.body);
    }
    if (layout.update_from >= 0) {
        const int first = layout.update_from;
        if (given(fcinfo, first)) {
            call.has_priority = true;
            call.priority = PG_GETARG_INT32(first);
        }
        if (given(fcinfo, first + 1)) {
            call.has_due_at = true;
            call.due_at = PG_GETARG_TIMESTAMPTZ(first + 1);
        }
        if (given(fcinfo, first + 2)) {
            call.has_follow_up_at = true;
            call.follow_up_at = PG_GETARG_TIMESTAMPTZ(first + 2);
        }
        call.input = optional_jsonb_arg(fcinfo, first + 3);
        call.body = optional_jsonb_arg(fcinfo, first + 4);
        if (call.body != nullptr) call.assignment_text = jsonb_text(call.body);
        if (given(fcinfo, first + 5)) {
            call.has_expires_at = true;
            call.expires_at = PG_GETARG_TIMESTAMPTZ(first + 5);
        }
    }
    if (given(fcinfo, layout.deadlines)) {
        call.deadlines = stored_deadlines_from(PG_GETARG_JSONB_P(layout.deadlines),
                                               GetCurrentTransactionStartTimestamp(), nullptr);
        call.deadlines_text = jsonb_text(call.deadlines);
    }
    return call;
}

}  // namespace workitem::pg
