#include "snippets.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <thread>

void run_a_worker(workitem::Client& client) {
    using namespace std::chrono_literals;
    const std::string queue =
        "worker-demo-" +
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    for (int i = 0; i < 6; ++i) {
        client.create({.workflow_id = queue,
                       .task_name = "CheckInvoice",
                       .assignment = {.users = {"ann"}},
                       .input = R"({"invoice": )" + std::to_string(1017 + i) + "}",
                       .queue = queue});
    }
    // snippet-begin
    // Four handlers at once on the worker's own threads; every claim has a 60 s lease, which
    // heartbeats extend while the worker holds the item.
    workitem::Worker worker(
        client,
        {.actor = "ann", .queue = queue, .concurrency = 4, .prefetch = 4, .lease_seconds = 60},
        [](const workitem::Item& item, workitem::WorkerContext&) -> workitem::HandlerResult {
            if (!item.input) throw std::invalid_argument("no invoice");  // fails it with a fault
            return R"({"checked": true})";  // completes it with this output
        });
    std::jthread service([&] { worker.run(); });  // claims and handles until stopped

    while (client.count({.state = workitem::State::completed, .queue = queue}) < 6)
        std::this_thread::sleep_for(50ms);
    // Graceful: no more claims, the items not started go back to the queue, the running
    // handlers finish and their outcomes are reported; then run() returns.
    worker.stop();
    service.join();
    std::cout << worker.stats().completed << " completed\n";
    // snippet-end
}
