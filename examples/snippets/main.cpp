// Runs every snippet of docs/sdk.md:  sdk_snippets [connection string]
#include "snippets.hpp"

#include <iostream>

int main(int argc, char** argv) {
    workitem::Client client = connect_to(argc > 1 ? argv[1] : "");
    walk_the_lifecycle(client);
    branch_on_errors(client);
    catch_by_family(client);
    co_commit_with_application_sql(client);
    work_in_batches(client);
    consume_events(client);
    administer(client);
    std::cout << "every snippet ran\n";
}
