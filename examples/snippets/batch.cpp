#include "snippets.hpp"

#include <chrono>
#include <iostream>

void work_in_batches(workitem::Client& client) {
    const std::string queue =
        "batch-demo-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(client
                          .create({.workflow_id = queue,
                                   .task_name = "Review",
                                   .assignment = {.users = {"ann"}},
                                   .queue = queue})
                          .id);
    }
    // snippet-begin
    // A worker: take the best item of a queue. With an idempotency key, a call retried after a
    // lost reply returns the same item instead of claiming a second one.
    const std::string key = workitem::generate_idempotency_key();
    if (auto next = client.claim_next({.actor = "ann", .queue = queue, .idempotency_key = key})) {
        client.complete(next->id, {.actor = "ann", .output = R"({"done": true})"});
    }

    // Batch forms: one row per id; one refused id does not stop the others.
    for (const workitem::BatchResult& row : client.claim_batch(ids, {.actor = "ann"})) {
        if (!row.ok) std::cout << row.id << ": " << row.sqlstate << " " << row.message << '\n';
    }

    // Several at a time: report the outcomes of the items held and take up to 10 more, in one
    // call and one commit (docs/worker.md, Several items per round trip).
    std::vector<workitem::Outcome> outcomes;
    for (const std::int64_t id : ids) outcomes.push_back({.id = id, .output = R"({"done": true})"});
    const auto answer = client.acknowledge_and_claim_next(
        outcomes, {.actor = "ann", .queue = queue, .lease_seconds = 60}, 10);
    // answer.outcomes: one row per outcome, in order (the first item was completed above: its
    // row says WI409); answer.claimed: the items taken, best first.
    std::cout << answer.outcomes.size() << " outcomes, " << answer.claimed.size() << " taken\n";
    // snippet-end
}
