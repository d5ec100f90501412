// Runs every snippet of docs/sdk.md:  sdk_snippets [connection string]
#include "snippets.hpp"

#include <iostream>

int main(int argc, char** argv) {
    const std::string dsn = argc > 1 ? argv[1] : "";
    workitem::Client client = connect_to(dsn);
    walk_the_lifecycle(client);
    branch_on_errors(client);
    catch_by_family(client);
    co_commit_with_application_sql(client);
    recover_inside_a_transaction(client);
    work_in_batches(client);
    consume_events(client);
    run_a_worker(client);
    administer(client);
    act_for_end_users(client, dsn);
    std::cout << "every snippet ran\n";
}
