#include "operation_fields.hpp"

#include "item_json.hpp"
#include "problem.hpp"
#include "route_support.hpp"

#include <limits>

namespace workitem::gateway {

namespace {

using json = nlohmann::json;

constexpr std::int64_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();

std::optional<int> lease(RequestBody& body) {
    return optional_int(body.integer("lease_seconds", 1, max_lease_seconds));
}

// The assignment document as it is sent: the database reads and validates it.
std::optional<workitem::Assignment> assignment(RequestBody& body) {
    auto document = body.object("assignment");
    if (!document) return std::nullopt;
    workitem::Assignment assignment;
    assignment.json = std::move(*document);
    return assignment;
}

std::optional<std::string> deadlines(RequestBody& body) {
    auto list = body.array("deadlines", 1000);
    if (!list) return std::nullopt;
    return list->dump();
}

// A JSON document the operation needs (output of save-output): null is refused like absence.
std::string required_document(RequestBody& body, const std::string& field) {
    auto document = body.document(field);
    if (!document) throw_problem(400, "invalid_field", "field " + field + " is required");
    return std::move(*document);
}

// The status and code of a refused row, as a problem of that error would have them.
void add_refusal(json& row, bool ok, const std::optional<ErrorKind>& kind,
                 const std::string& sqlstate, const std::string& message) {
    if (ok || !kind) {
        row["sqlstate"] = nullptr;
        row["status"] = nullptr;
        row["code"] = nullptr;
        row["message"] = nullptr;
        return;
    }
    const Problem problem = problem_for(workitem::Error(*kind, message, sqlstate));
    row["sqlstate"] = sqlstate.empty() ? json(nullptr) : json(sqlstate);
    row["status"] = problem.status;
    row["code"] = problem.code;
    row["message"] = problem.detail;
}

}  // namespace

void read_fields(RequestBody&, workitem::ActOptions&) {}

void read_fields(RequestBody& body, workitem::ClaimOptions& options) {
    options.lease_seconds = lease(body);
}

void read_fields(RequestBody& body, workitem::ClaimNextOptions& options) {
    options.queue = body.text("queue");
    options.task_name = body.text("task_name");
    options.lease_seconds = lease(body);
}

void read_fields(RequestBody& body, workitem::AllocateOptions& options) {
    options.to_user = body.required_text("to_user");
    options.override = body.boolean("override").value_or(false);
}

void read_fields(RequestBody& body, workitem::DelegateOptions& options) {
    options.to_user = body.required_text("to_user");
}

void read_fields(RequestBody& body, workitem::ForwardOptions& options) {
    auto given = assignment(body);
    if (!given) throw_problem(400, "invalid_field", "field assignment is required");
    options.assignment = std::move(*given);
}

void read_fields(RequestBody& body, workitem::SuspendOptions& options) {
    options.until = body.timestamp("until");
}

void read_fields(RequestBody& body, workitem::CompleteOptions& options) {
    options.output = body.document("output");
}

void read_fields(RequestBody& body, workitem::FaultOptions& options) {
    options.fault = body.document("fault");
}

void read_fields(RequestBody& body, workitem::CancelOptions& options) {
    options.reason = body.text("reason");
}

void read_fields(RequestBody& body, workitem::HeartbeatOptions& options) {
    options.lease_seconds = lease(body);
}

void read_fields(RequestBody& body, workitem::SaveOutputOptions& options) {
    options.output = required_document(body, "output");
}

void read_fields(RequestBody& body, workitem::UpdateOptions& options) {
    options.priority = optional_int(body.integer("priority", int32_min, int32_max));
    options.due_at = body.timestamp("due_at");
    options.follow_up_at = body.timestamp("follow_up_at");
    options.input = body.document("input");
    options.assignment = assignment(body);
    options.expires_at = body.timestamp("expires_at");
    options.deadlines = deadlines(body);
}

workitem::CreateCommand create_command(RequestBody& body, const Identity& who) {
    workitem::CreateCommand command;
    command.actor = who.subject;
    command.workflow_id = body.required_text("workflow_id");
    command.task_name = body.required_text("task_name");
    if (auto given = assignment(body)) command.assignment = std::move(*given);
    command.input = body.document("input");
    command.priority = static_cast<int>(body.integer("priority", int32_min, int32_max).value_or(0));
    command.queue = body.text("queue");
    command.due_at = body.timestamp("due_at");
    command.activate_at = body.timestamp("activate_at");
    command.expires_at = body.timestamp("expires_at");
    command.skippable = body.boolean("skippable").value_or(false);
    command.step_ref = body.text("step_ref");
    command.run_id = body.text("run_id");
    command.follow_up_at = body.timestamp("follow_up_at");
    command.deadlines = deadlines(body);
    return command;
}

json batch_result_json(const workitem::BatchResult& result) {
    json row{{"id", result.id}, {"ok", result.ok}};
    add_refusal(row, result.ok, result.error, result.sqlstate, result.message);
    row["item"] = result.item ? item_json(*result.item) : json(nullptr);
    return row;
}

json create_many_result_json(const workitem::CreateManyResult& result) {
    json row{{"element", result.element},
             {"id", result.item ? json(result.item->id) : json(nullptr)},
             {"ok", result.ok}};
    add_refusal(row, result.ok, result.error, result.sqlstate, result.message);
    row["item"] = result.item ? item_json(*result.item) : json(nullptr);
    return row;
}

}  // namespace workitem::gateway
