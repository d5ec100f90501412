#include "snippets.hpp"

#include <iostream>
#include <stdexcept>

void recover_inside_a_transaction(workitem::Client& client) {
    const std::int64_t invoice_id = 1017;  // snippets/transaction.cpp made the invoice table
    auto item = client.create({.workflow_id = "invoice-1017-recheck",
                               .task_name = "ApprovalTask",
                               .assignment = {.users = {"user-456", "bob"}}});
    item = client.claim(item.id, {.actor = "user-456"});
    // snippet-begin
    // A refused call inside savepoint() undoes only itself: the transaction goes on and commits.
    client.in_transaction([&](workitem::Tx& tx) {
        try {
            tx.savepoint([&](workitem::Tx& sub) { sub.claim(item.id, {.actor = "bob"}); });
        } catch (const workitem::Conflict& conflict) {  // WI423: user-456 holds it
            tx.exec("UPDATE invoice SET approved = false WHERE id = $1", invoice_id);
        }
    });

    // Your SQL outside a transaction (autocommit), its rows read typed.
    const auto result = client.exec("SELECT id, approved FROM invoice WHERE id = $1", invoice_id);
    for (const workitem::QueryRow& row : result.rows) {
        std::cout << row.get<std::int64_t>(0) << (row.get<bool>(1) ? " approved" : " open") << '\n';
    }
    // snippet-end
    if (result.rows.at(0).get<bool>(1)) throw std::runtime_error("the savepoint did not recover");
}
