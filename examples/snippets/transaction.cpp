#include "snippets.hpp"

void co_commit_with_application_sql(workitem::Client& client) {
    client.in_transaction([](workitem::Tx& tx) {
        tx.exec(
            "CREATE TABLE IF NOT EXISTS invoice (id bigint PRIMARY KEY, approved boolean NOT "
            "NULL)");
        tx.exec(
            "INSERT INTO invoice VALUES (1017, false) ON CONFLICT (id) DO UPDATE SET approved = "
            "false");
    });
    auto item = client.create({.workflow_id = "invoice-1017",
                               .task_name = "ApprovalTask",
                               .assignment = {.users = {"user-456"}}});
    item = client.claim(item.id, {.actor = "user-456"});
    const std::int64_t invoice_id = 1017;
    // snippet-begin
    // The item's completion and the application's own change commit together, or neither does.
    client.in_transaction([&](workitem::Tx& tx) {
        tx.complete(item.id, {.actor = "user-456", .output = R"({"approved": true})"});
        tx.exec("UPDATE invoice SET approved = true WHERE id = $1", invoice_id);
    });
    // snippet-end
    const auto approved = client.in_transaction([&](workitem::Tx& tx) {
        return tx.exec("SELECT approved FROM invoice WHERE id = $1", invoice_id);
    });
    if (approved.rows.at(0).at(0) != "t") throw std::runtime_error("invoice not approved");
}
