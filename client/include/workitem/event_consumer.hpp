// Reading a consumer's event batches in a loop: each batch is handed to a handler and finished
// only when the handler returned, so a batch whose handler failed (or whose process died) is
// delivered again. Between empty polls it waits, and optionally wakes up early when a commit
// writes an event it waits for (docs/events.md, Wake-ups).
#pragma once

#include <workitem/client.hpp>
#include <workitem/events.hpp>
#include <workitem/export.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

namespace workitem {

namespace detail {
class Listener;
}

struct EventConsumerOptions {
    NextBatchOptions batch{};
    // How long to wait after a poll that found nothing (docs/events.md: 100 ms to 1 s).
    std::chrono::milliseconds idle_wait{500};
    // Also wait for a wake-up on a connection of its own (workitem_await_events: registered
    // before each poll, it LISTENs until the next commit that writes an event of the consumer's
    // tenant, which costs the writers nothing while nobody waits), and poll as soon as it comes.
    // Needs a direct connection (LISTEN does not work through pgbouncer's transaction pooling);
    // polling every idle_wait stays the fallback (docs/events.md, Wake-ups).
    bool wake_on_notify{false};
};

using BatchHandler = std::function<void(const EventBatch&)>;
using TransactionalBatchHandler = std::function<void(Tx&, const EventBatch&)>;

class WORKITEM_API EventConsumer {
  public:
    // Reads the existing consumer `consumer` (see Operations::consumer_create) through `client`,
    // which must outlive this object. Not thread-safe: one thread per EventConsumer.
    EventConsumer(Client& client, std::string consumer, EventConsumerOptions options = {});
    ~EventConsumer();
    EventConsumer(const EventConsumer&) = delete;
    EventConsumer& operator=(const EventConsumer&) = delete;

    // Takes the next batch and, if there is one, calls handler(batch) and finishes the batch.
    // Returns whether there was one. If the handler throws, the batch stays open, so the next
    // call hands it out again, and the exception propagates (at-least-once).
    bool handle_next(const BatchHandler& handler);

    // The same in one transaction: the handler's writes through tx and the finish commit
    // together, so the database's effects happen exactly once. A transient failure runs the
    // handler again (Client::in_transaction), so keep effects outside the database out of it.
    bool handle_next_in_transaction(const TransactionalBatchHandler& handler);

    // Handles batches until stop is requested: back to back while there are events, and after
    // an empty poll waits idle_wait (less when notified or stopped). An exception from the
    // handler or the database ends the loop and propagates; the open batch comes again.
    void run(const BatchHandler& handler, std::stop_token stop);

    // Waits up to idle_wait; returns early on a notification (with wake_on_notify) or a stop.
    void wait_for_events(const std::stop_token& stop = {});

    // For a loop of its own around next_batch (not run()): registers the wake-up (with
    // wake_on_notify; a no-op otherwise) before the look, so that a commit after it wakes the
    // wait_for_events that follows an empty look (register, look, wait: docs/events.md).
    void prepare_wait();

    const std::string& consumer() const { return consumer_; }

  private:
    Client& client_;
    std::string consumer_;
    EventConsumerOptions options_;
    std::unique_ptr<detail::Listener> listener_;
};

}  // namespace workitem
