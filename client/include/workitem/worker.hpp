// A worker: the loop of docs/worker.md done right. It claims items of a queue with a lease,
// hands each to a handler on one of its own threads, heartbeats every item it holds, and reports
// the outcomes in batches; on stop() it releases the items it has not started and lets the
// running ones finish. Claims and acknowledgements carry idempotency keys, so a call retried
// after a dropped connection never claims or completes twice.
#pragma once

#include <workitem/client.hpp>
#include <workitem/export.hpp>
#include <workitem/options.hpp>
#include <workitem/types.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

namespace workitem {

struct WorkerOptions {
    std::string actor{};                     // who claims: a potential owner of the items
    std::optional<std::string> queue{};      // none: every queue
    std::optional<std::string> task_name{};  // none: every task
    // How many handlers run at once, each on a thread of the worker's own.
    int concurrency{1};
    // How many claimed items it may hold beyond the running ones (waiting for a free handler).
    // They are heartbeated like the running ones, and released by stop().
    int prefetch{0};
    // Every claim carries a lease of this many seconds; heartbeats extend it while the worker
    // holds the item, so a dead worker's items come back once it runs out.
    int lease_seconds{300};
    // How often the held items are heartbeated. 0: a third of the lease.
    std::chrono::milliseconds heartbeat_every{0};
    // Outcomes are reported in batches: as soon as this many wait, or the oldest has waited
    // ack_max_delay.
    int ack_batch_size{50};
    std::chrono::milliseconds ack_max_delay{100};
    // When there was nothing to claim, the next claim waits at most this long (less on a
    // notification, see wake_on_notify).
    std::chrono::milliseconds idle_poll{1000};
    // Also wait for a wake-up on a connection of its own (workitem_await_work, registered before
    // each claim: the next commit that offers the actor work in the queue notifies it, and costs
    // the writers nothing while no worker waits), and claim as soon as it comes (docs/events.md,
    // Wake-ups). Needs a direct connection; without wake-ups it polls every idle_poll.
    bool wake_on_notify{true};
    // stop(): how long running handlers may take to finish before it gives up on them
    // (stop_now()).
    std::chrono::milliseconds grace_period{30000};
    // Give claims and acknowledgements idempotency keys (the idempotency feature flag must be on).
    bool idempotency_keys{true};
    // Claims that failed, refused acknowledgements, lost leases. Empty: the client's logger.
    Logger logger{};
};

// What a handler returns: the output to complete the item with (JSON text; none: null), or a
// fault to fail it with. A handler may simply return the output's JSON text.
struct HandlerResult {
    std::optional<std::string> output{};
    std::optional<std::string> fault{};  // set: fail the item with this fault (JSON)

    HandlerResult() = default;
    HandlerResult(std::string output_json) : output(std::move(output_json)) {}  // NOLINT
    HandlerResult(const char* output_json) : output(output_json) {}             // NOLINT
    HandlerResult(std::nullopt_t) {}                                            // NOLINT
    static HandlerResult failed(std::string fault_json) {
        HandlerResult result;
        result.fault = std::move(fault_json);
        return result;
    }
};

namespace detail {
struct WorkerCore;
struct HeldItem;
}  // namespace detail

// Handed to the handler with its item.
class WORKITEM_API WorkerContext {
  public:
    const Item& item() const;
    // stop() or stop_now() was called: a long handler may cut its work short.
    bool stopping() const;
    std::stop_token stop_token() const;
    // Extends the item's lease now (the worker also does it every heartbeat_every). Throws the
    // database's error: lease_lost when the lease already ran out.
    void heartbeat();
    // A heartbeat was refused: the item is no longer this worker's, its outcome will be refused.
    bool lease_lost() const;

  private:
    friend struct detail::WorkerCore;
    WorkerContext(detail::WorkerCore& core, detail::HeldItem& held);
    detail::WorkerCore& core_;
    detail::HeldItem& held_;
};

// Called on a worker thread; throwing fails the item with {"error": what(), "type": ...}.
using Handler = std::function<HandlerResult(const Item&, WorkerContext&)>;

struct WorkerStats {
    std::int64_t claimed{};
    std::int64_t completed{};  // acknowledged: the database accepted the outcome
    std::int64_t failed{};     // failed by the handler (a fault), acknowledged
    std::int64_t released{};   // given back unstarted (stop) or abandoned (stop_now)
    std::int64_t refused{};    // outcomes or heartbeats the database refused (a lost lease...)
};

class WORKITEM_API Worker {
  public:
    // Works through `client`, which must outlive the worker; its pool should have room for two
    // connections of the worker's besides the handlers' own calls.
    Worker(Client& client, WorkerOptions options, Handler handler);
    // Works through a client of its own.
    Worker(ClientOptions client_options, WorkerOptions options, Handler handler);
    ~Worker();  // stop_now() and waits for run() to return
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // Claims and handles items until stop() or stop_now(); then returns once the handlers
    // returned and the outcomes were reported. Errors of the database that retrying cannot fix
    // (a refused actor, a bad queue name) end it: they are thrown after the shutdown. Transient
    // ones are logged and retried. Call it once.
    void run();
    // Graceful, from any thread (not from a signal handler): stop claiming, release the items
    // not started, let the running handlers finish within grace_period, report the outcomes.
    void stop();
    // At once: also release the items whose handlers are still running (their outcomes are then
    // dropped). run() still waits for those handlers to return: a thread cannot be killed.
    void stop_now();

    WorkerStats stats() const;

  private:
    std::unique_ptr<Client> own_client_;
    std::unique_ptr<detail::WorkerCore> core_;
};

}  // namespace workitem
