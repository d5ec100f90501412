#include "snippets.hpp"

#include <iostream>
#include <stdexcept>

void act_for_end_users(workitem::Client& client, const std::string& dsn) {
    client.put_user({.user_id = "ann", .groups = {"approvers"}});
    auto item = client.create({.workflow_id = "invoice-1018",
                               .task_name = "ApprovalTask",
                               .assignment = {.groups = {"approvers"}}});
    // snippet-begin
    // A gateway serving signed-in users: the database authorizes them as users, and the
    // service's own rights add nothing (docs/security.md).
    workitem::Client gateway({.dsn = dsn, .pool_size = 2, .on_behalf = "user"});
    item = gateway.claim(item.id, {.actor = "ann"});

    // Or for some calls only, from a client with the service's full rights:
    for (const std::string& operation : client.on_behalf("user").allowed_operations(item.id, "ann"))
        std::cout << "ann may " << operation << '\n';  // start, release ... but not cancel
    // snippet-end
    if (item.owner != "ann") throw std::runtime_error("the gateway's claim went wrong");
}
