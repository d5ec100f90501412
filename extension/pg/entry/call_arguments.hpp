// Where each operation's arguments sit in its SQL signature. The single form and the batch form
// of an operation share one layout: `id bigint` / `ids bigint[]` first, `actor text` second,
// `expected_version bigint` / `expected_versions bigint[]` at the same position.
#pragma once

#include "workitem/core/operation.hpp"

#include "transition/call.hpp"

namespace workitem::pg {

struct ArgumentLayout {
    core::Operation operation;
    int expected_version = -1;
    int idempotency_key = -1;
    int lease_seconds = -1;
    int to_user = -1;
    int override_owner = -1;
    int until = -1;
    int reason = -1;
    int body = -1;         // output / fault / assignment
    int update_from = -1;  // update: priority, due_at, follow_up_at, input, assignment, expires_at
    int deadlines = -1;    // update: the new deadline list
    const char* body_name = nullptr;  // the SQL name of `body`: output, fault or assignment
};

const ArgumentLayout& layout_of(core::Operation operation);

// Every operation's layout (workitem.argument_layouts lists them for the regression test that
// compares them with pg_proc).
const ArgumentLayout* all_layouts(int* count);

// The functions that choose their items themselves, and creation: their argument positions.
enum ClaimNextArg : int {
    cn_actor,
    cn_queue,
    cn_task_name,
    cn_lease_seconds,
    cn_idempotency_key,
    cn_max_items  // from release 0.2.0
};
enum AcknowledgeArg : int {
    ack_actor,
    ack_outcomes,
    ack_queue,
    ack_task_name,
    ack_lease_seconds,
    ack_max_items,
    ack_idempotency_key
};
enum CancelWorkflowArg : int { cw_workflow_id, cw_actor, cw_reason, cw_idempotency_key };
enum CreateManyArg : int { cm_items, cm_actor, cm_idempotency_key };
enum CreateArg : int {
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
    a_deadlines,
};

// Helpers for decoding optional arguments (nullptr when SQL NULL or not passed).
const char* optional_text_arg(FunctionCallInfo fcinfo, int arg);
Jsonb* optional_jsonb_arg(FunctionCallInfo fcinfo, int arg);

// Decodes everything but the id(s) and expected version(s).
TransitionCall decode_call(FunctionCallInfo fcinfo, const ArgumentLayout& layout);

}  // namespace workitem::pg
