#include "snippets.hpp"

#include <chrono>
#include <iostream>
#include <thread>

void consume_events(workitem::Client& client) {
    using namespace std::chrono_literals;
    const std::string name =
        "billing-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    // snippet-begin
    client.consumer_create(name);  // false when it exists already: fine at every start
    client.create({.workflow_id = name, .task_name = "Invoice", .assignment = {.users = {"ann"}}});

    workitem::EventConsumer consumer(client, name, {.idle_wait = 500ms});
    // One batch: finished only once the handler returned. If it throws, the batch stays open
    // and comes again, so deliver idempotently (deduplicate on event.id).
    consumer.handle_next([](const workitem::EventBatch& batch) {
        for (const workitem::ConsumedEvent& event : batch.events) {
            std::cout << event.seq << ' ' << event.type << " item " << event.item_id << " v"
                      << event.item_version << ' ' << event.payload.at("item").at("state") << '\n';
        }
    });

    // Exactly-once for effects in the same database: the writes and the finish commit together.
    consumer.handle_next_in_transaction([](workitem::Tx& tx, const workitem::EventBatch& batch) {
        tx.exec("SELECT $1::bigint", batch.id);  // your INSERT/UPDATE here
    });

    // A service: batches back to back, waiting idle_wait between empty polls, until stopped.
    // An exception from the handler ends run(); the open batch is delivered again later.
    std::jthread worker([&](std::stop_token stop) {
        consumer.run([](const workitem::EventBatch&) { /* publish */ }, stop);
    });
    std::this_thread::sleep_for(200ms);
    worker.request_stop();
    worker.join();

    for (const workitem::EventLag& lag : client.event_lag()) {
        if (lag.name == name)
            std::cout << name << ": " << lag.events_behind.value_or(0) << " behind\n";
    }
    client.consumer_rewind(
        name, {.to_time = workitem::to_timestamp(std::chrono::system_clock::now() - 1h)});
    client.consumer_drop(name);  // retention keeps every event a consumer has not passed
    // snippet-end
}
