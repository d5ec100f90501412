// workitem_argument_layouts(): every argument position the entry points decode, as (function,
// position, name) rows read from the same tables and enums the decoders use. Declared by no
// install script: the regression test argument_layouts declares it for itself and compares it
// with pg_proc.proargnames, so a layout that drifts from its SQL signature fails a test.
#include <string>

#include "workitem/core/operation.hpp"

#include "entry/call_arguments.hpp"

extern "C" {
#include "utils/tuplestore.h"
}

using namespace workitem;
using namespace workitem::pg;

namespace {

struct Rows {
    ReturnSetInfo* result;
    void add(const std::string& function, int position, const char* name) {
        if (position < 0) return;
        Datum values[3] = {CStringGetTextDatum(function.c_str()), Int32GetDatum(position),
                           CStringGetTextDatum(name)};
        bool nulls[3] = {false, false, false};
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
    }
};

// The single form (`batch` false) or the batch form of one operation.
void add_layout(Rows& rows, const ArgumentLayout& layout, bool batch) {
    const std::string function =
        "workitem_" + std::string(core::to_string(layout.operation)) + (batch ? "_batch" : "");
    rows.add(function, 0, batch ? "ids" : "id");
    rows.add(function, 1, "actor");
    rows.add(function, layout.expected_version, batch ? "expected_versions" : "expected_version");
    rows.add(function, layout.idempotency_key, "idempotency_key");
    rows.add(function, layout.lease_seconds, "lease_seconds");
    rows.add(function, layout.to_user, "to_user");
    rows.add(function, layout.override_owner, "override");
    rows.add(function, layout.until, "until");
    rows.add(function, layout.reason, "reason");
    if (layout.body >= 0) rows.add(function, layout.body, layout.body_name);
    if (layout.update_from >= 0) {
        const char* attributes[] = {"priority", "due_at",     "follow_up_at",
                                    "input",    "assignment", "expires_at"};
        for (int a = 0; a < 6; ++a) rows.add(function, layout.update_from + a, attributes[a]);
    }
    rows.add(function, layout.deadlines, "deadlines");
}

}  // namespace

extern "C" {
PG_FUNCTION_INFO_V1(workitem_argument_layouts);
}

extern "C" Datum workitem_argument_layouts(PG_FUNCTION_ARGS) {
    InitMaterializedSRF(fcinfo, 0);
    Rows rows{reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo)};
    int count = 0;
    const ArgumentLayout* layouts = all_layouts(&count);
    for (int i = 0; i < count; ++i) {
        add_layout(rows, layouts[i], false);
        add_layout(rows, layouts[i], true);
    }
    rows.add("workitem_claim_next", cn_actor, "actor");
    rows.add("workitem_claim_next", cn_queue, "queue");
    rows.add("workitem_claim_next", cn_task_name, "task_name");
    rows.add("workitem_claim_next", cn_lease_seconds, "lease_seconds");
    rows.add("workitem_claim_next", cn_idempotency_key, "idempotency_key");
    rows.add("workitem_claim_next", cn_max_items, "max_items");
    const char* acknowledge = "workitem_acknowledge_and_claim_next";
    rows.add(acknowledge, ack_actor, "actor");
    rows.add(acknowledge, ack_outcomes, "outcomes");
    rows.add(acknowledge, ack_queue, "queue");
    rows.add(acknowledge, ack_task_name, "task_name");
    rows.add(acknowledge, ack_lease_seconds, "lease_seconds");
    rows.add(acknowledge, ack_max_items, "max_items");
    rows.add(acknowledge, ack_idempotency_key, "idempotency_key");
    rows.add("workitem_cancel_workflow", cw_workflow_id, "workflow_id");
    rows.add("workitem_cancel_workflow", cw_actor, "actor");
    rows.add("workitem_cancel_workflow", cw_reason, "reason");
    rows.add("workitem_cancel_workflow", cw_idempotency_key, "idempotency_key");
    rows.add("workitem_create_many", cm_items, "items");
    rows.add("workitem_create_many", cm_actor, "actor");
    rows.add("workitem_create_many", cm_idempotency_key, "idempotency_key");
    const char* create[] = {"workflow_id",     "task_name", "assignment",   "input",
                            "priority",        "queue",     "due_at",       "activate_at",
                            "expires_at",      "skippable", "step_ref",     "actor",
                            "idempotency_key", "run_id",    "follow_up_at", "deadlines"};
    static_assert(sizeof(create) / sizeof(create[0]) == a_deadlines + 1, "one name per CreateArg");
    for (int a = a_workflow_id; a <= a_deadlines; ++a) rows.add("workitem_create", a, create[a]);
    PG_RETURN_NULL();
}
