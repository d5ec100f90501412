#include "snippets.hpp"

#include <iostream>

void branch_on_errors(workitem::Client& client) {
    const std::int64_t item_id = client
                                     .create({.workflow_id = "errors-demo",
                                              .task_name = "Review",
                                              .assignment = {.users = {"ann"}}})
                                     .id;
    client.claim(item_id, {.actor = "ann"});
    // snippet-begin
    try {
        client.claim(item_id, {.actor = "bob"});
    } catch (const workitem::Error& error) {
        switch (error.kind()) {
            case workitem::ErrorKind::already_claimed:  // WI423: someone else holds it
            case workitem::ErrorKind::state_conflict:   // WI409: not in a state that allows it
                std::cout << "pick another item: " << error.message() << '\n';
                break;
            case workitem::ErrorKind::version_conflict:  // WI412: read it again, decide again
                break;
            case workitem::ErrorKind::not_authorized:  // WI403: bob is no potential owner
                std::cout << error.sqlstate() << ": " << error.message() << " (" << error.detail()
                          << ")\n";
                break;
            case workitem::ErrorKind::in_doubt:  // connection lost mid-change: read before acting
                break;
            default:
                throw;  // timeouts, an unreachable database (after retries), bugs
        }
    }
    // snippet-end
}
