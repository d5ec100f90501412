#include "snippets.hpp"

#include <iostream>

void catch_by_family(workitem::Client& client) {
    const std::int64_t item_id = client
                                     .create({.workflow_id = "families-demo",
                                              .task_name = "Review",
                                              .assignment = {.users = {"ann"}}})
                                     .id;
    // snippet-begin
    try {
        client.complete(item_id, {.actor = "ann", .output = R"({"approved": true})"});
    } catch (const workitem::Conflict& conflict) {  // the item moved on, or a rule says no now
        std::cout << "read it again, decide again: " << conflict.message() << '\n';
    } catch (const workitem::InDoubt&) {  // may have committed: read the item before acting
        std::cout << "now " << workitem::to_string(client.get(item_id).state) << '\n';
    } catch (const workitem::TransientError& error) {  // still failing after the retries
        std::cout << "try again later: " << error.what() << '\n';
    } catch (const workitem::Refused& refused) {  // WI403, or the login role lacks the grant
        std::cout << refused.sqlstate() << ": " << refused.message() << '\n';
    }  // NotFound, InvalidRequest, Unavailable, DatabaseError: propagate
    // snippet-end
}
