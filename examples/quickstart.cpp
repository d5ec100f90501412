// The smallest useful program: create an item offered to a group, claim it, complete it.
//   quickstart [connection string]   (default: $WORKITEM_DSN, else libpq's environment)
#include <workitem/workitem.hpp>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char** argv) try {
    // An empty dsn: WORKITEM_DSN, else PGHOST, PGPORT, PGUSER, PGDATABASE ...
    workitem::Client client({.dsn = argc > 1 ? argv[1] : "", .pool_size = 2});

    client.put_user({.user_id = "ann", .groups = {"approvers"}});
    const workitem::Item created = client.create(
        {.workflow_id = "quickstart-" +
                        std::to_string(std::chrono::system_clock::now().time_since_epoch().count()),
         .task_name = "ApproveInvoice",
         .assignment = {.groups = {"approvers"}},
         .input = R"({"invoice": 1017})"});
    const workitem::Item claimed =
        client.claim(created.id, {.actor = "ann", .expected_version = created.version});
    const workitem::Item done =
        client.complete(claimed.id, {.actor = "ann", .output = R"({"approved": true})"});

    std::cout << "item " << done.id << " is " << workitem::to_string(done.state) << " at version "
              << done.version << '\n';
    return done.state == workitem::State::completed ? 0 : 1;
} catch (const workitem::Error& error) {
    // "kind: message"; it never quotes the connection string or its password.
    std::cerr << "quickstart: " << error.what() << '\n';
    return 2;
}
