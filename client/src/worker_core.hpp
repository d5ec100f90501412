// The worker's shared state and its three kinds of threads: the claimer (the thread calling
// run()), the handlers (WorkerOptions::concurrency of them) and the housekeeper (heartbeats and
// batched acknowledgements). One mutex guards everything that more than one of them touches.
#pragma once

#include <workitem/worker.hpp>

#include "listener.hpp"
#include "log.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace workitem::detail {

using WorkerClock = std::chrono::steady_clock;

// A claimed item, from its claim until its outcome was reported (or it was released).
struct HeldItem {
    enum class Phase { queued, running, done };
    Item item;
    Phase phase{Phase::queued};  // under WorkerCore::mutex
    bool abandoned{false};       // under WorkerCore::mutex: released by stop_now while running
    std::atomic<bool> lease_lost{false};
};

// An outcome waiting to be reported.
struct Ack {
    std::int64_t id{};
    bool complete{true};                // else fail
    std::optional<std::string> json{};  // the output or the fault
};

struct WorkerCore {
    WorkerCore(Client& client, WorkerOptions options, Handler handler);

    void run();
    void stop();
    void stop_now();
    bool stopping() const { return stop_source.stop_requested(); }

    // The claimer.
    void claim_loop();
    // Claims up to `room` items in one claim_next call (max_items). The housekeeper also claims:
    // it reports outcomes and takes items in one call (flush).
    std::vector<Item> claim(int room);
    // Room for more items (capacity less the queued, running and being claimed), under mutex.
    int room() const;
    // Queues claimed items for the handlers, under mutex.
    void enqueue(std::vector<Item> items);
    std::optional<std::string> claim_key;  // the claimer's; kept until a claim was answered
    int claim_room = 1;                    // how many the call with claim_key asked for
    void idle_wait(std::chrono::milliseconds wait);

    // A handler thread.
    void handle_loop();
    HandlerResult call_handler(HeldItem& held);

    // The housekeeper.
    void housekeeping_loop();
    void flush(std::vector<Ack> acks);
    void report(const std::vector<Ack>& acks, const AcknowledgeResult& answer);
    void heartbeat_held();

    // Gives items back to the queue (workitem_release), best effort.
    void release(const std::vector<std::int64_t>& ids);
    std::optional<std::string> key() const;
    void heartbeat(HeldItem& held);

    Client& client;
    const WorkerOptions options;
    const Handler handler;
    const Log log;
    const std::chrono::milliseconds heartbeat_every;
    std::unique_ptr<Listener> listener;  // only the claimer uses it

    std::stop_source stop_source;  // stopping: no more claims
    std::atomic<bool> stop_at_once{false};
    std::mutex run_mutex;  // held by run(): the destructor waits for it

    std::mutex mutex;
    std::condition_variable changed;  // the queue, the running count, the acks, stop
    std::map<std::int64_t, std::unique_ptr<HeldItem>> held;
    std::deque<HeldItem*> queue;  // claimed, not started
    int running{0};
    int reserved{0};  // room taken by a claim in flight (the claimer's or the housekeeper's)
    std::vector<Ack> acks;
    WorkerClock::time_point oldest_ack{};
    bool handlers_finished{false};  // the housekeeper flushes what is left and ends
    std::exception_ptr fatal;

    std::atomic<std::int64_t> claimed{0}, completed{0}, failed{0}, released{0}, refused{0};
};

}  // namespace workitem::detail
