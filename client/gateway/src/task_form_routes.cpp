// The forms of tasks (docs/tasklist.md, Forms): the JSON Schema of a task's output that the task
// inbox renders. Any credential of the tenant reads one; its administrators and services set and
// remove them. The database decides who may (workitem_task_form, workitem_set_task_form).
#include "problem.hpp"
#include "request_body.hpp"
#include "responses.hpp"
#include "route_support.hpp"
#include "routes.hpp"

namespace workitem::gateway {
namespace {

using nlohmann::json;

constexpr const char* form_path = "/api/v1/task-forms/{taskName}";

Response form_response(Call& call, const std::string& task_name, const std::string& schema) {
    return json_response(call.request, 200,
                         {{"task_name", task_name}, {"output_schema", json::parse(schema)}});
}

Response get_form(Call& call) {
    const auto task_name = name_capture(call, "taskName");
    const auto schema = call.database.as(caller(call)).task_form(task_name);
    if (!schema) throw_problem(404, "no_form", "task " + task_name + " has no form");
    return form_response(call, task_name, *schema);
}

Response put_form(Call& call) {
    const auto task_name = name_capture(call, "taskName");
    auto body = RequestBody::parse(call.request, true);
    const auto schema = body.object("output_schema");
    if (!schema) throw_problem(400, "invalid_field", "field output_schema is required");
    body.refuse_unknown_fields();
    call.database.as(caller(call)).set_task_form(task_name, schema);
    return form_response(call, task_name, *schema);
}

Response delete_form(Call& call) {
    const auto task_name = name_capture(call, "taskName");
    if (!call.database.as(caller(call)).set_task_form(task_name, std::nullopt)) {
        throw_problem(404, "no_form", "task " + task_name + " has no form");
    }
    return no_content_response(call.request);
}

}  // namespace

void add_task_form_routes(GatewayRouter& router) {
    router.add("GET", form_path, Route{get_form});
    router.add("PUT", form_path, Route{put_form});
    router.add("DELETE", form_path, Route{delete_form});
}

}  // namespace workitem::gateway
