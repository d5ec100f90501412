#include "snippets.hpp"

#include <chrono>

namespace {
std::string fresh_workflow() {
    return "wf-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
}
}  // namespace

void walk_the_lifecycle(workitem::Client& client) {
    const std::string workflow_id = fresh_workflow();
    // snippet-begin
    client.put_user({.user_id = "user-456", .groups = {"approvers"}});

    auto item = client.create({.workflow_id = workflow_id,
                               .task_name = "ApprovalTask",
                               .assignment = {.groups = {"approvers"}},
                               .input = R"({"invoice": 1017, "amount": 240})",
                               .priority = 5,
                               .queue = "invoices"});

    // Each change names the version it saw: if someone else moved first, it is version_conflict.
    item = client.claim(item.id, {.actor = "user-456", .expected_version = item.version});
    item = client.start(item.id, {.actor = "user-456", .expected_version = item.version});
    item = client.complete(item.id, {.actor = "user-456", .output = R"({"approved": true})"});

    for (const workitem::Event& event : client.history(item.id)) {
        // event.type: workitem.created, workitem.allocated, workitem.started, workitem.completed
        (void)event;
    }
    // snippet-end
    if (item.state != workitem::State::completed) throw std::runtime_error("not completed");
}
