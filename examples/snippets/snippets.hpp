// The snippets of docs/sdk.md, each a function that snippets/main.cpp runs against a server.
#pragma once

#include <workitem/workitem.hpp>

#include <string>

workitem::Client connect_to(const std::string& dsn);
void walk_the_lifecycle(workitem::Client& client);
void branch_on_errors(workitem::Client& client);
void catch_by_family(workitem::Client& client);
void co_commit_with_application_sql(workitem::Client& client);
void work_in_batches(workitem::Client& client);
void consume_events(workitem::Client& client);
void administer(workitem::Client& client);
void recover_inside_a_transaction(workitem::Client& client);
void act_for_end_users(workitem::Client& client, const std::string& dsn);
void run_a_worker(workitem::Client& client);
