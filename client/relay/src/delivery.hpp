// A sink's delivery loop (docs/relay.md, Delivery guarantees): take the consumer's next batch,
// hand every event the sink's filter accepts to the sink, and finish the batch only once the
// sink acknowledged each of them (or each went to the dead letters). Retries keep every item's
// order: a failed event holds back the later events of its item, not those of other items.
// A sink whose breaker is open is not called, and its events are not charged attempts.
#pragma once

#include "breaker.hpp"
#include "config.hpp"
#include "cursor_lock.hpp"
#include "event.hpp"
#include "event_source.hpp"
#include "log.hpp"
#include "sink.hpp"
#include "stats.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

namespace workitem {
class EventConsumer;
}

namespace workitem::relay {

// Stores an event the sink gave up on (dead_letters.hpp); throws when it cannot, so the batch
// is not finished and comes again.
using DeadLetterFn = std::function<void(const RelayEvent& event, const std::string& reason,
                                        const std::string& error, int attempts)>;

// The wait before the next attempt of an event that failed `attempts` times (charged ones):
// full jitter, uniform in [0, min(max_backoff, initial_backoff * 2^(attempts-1))], and never
// less than what the sink asked for (Retry-After, cut to max_retry_after).
std::chrono::milliseconds backoff(const RetrySettings& retry, int attempts,
                                  std::optional<std::chrono::milliseconds> retry_after,
                                  std::mt19937_64& random);

class BatchDelivery {
  public:
    BatchDelivery(const SinkConfig& config, Sink& sink, CircuitBreaker& breaker, SinkStats& stats,
                  DeadLetterFn dead_letter, Log& log);

    // Delivers the events; returns true when every one was acknowledged or dead-lettered,
    // false when stop was requested first, or keep_going (asked between rounds) said no: then
    // the batch must not be finished.
    bool deliver(const std::vector<RelayEvent>& events, const std::stop_token& stop,
                 const std::function<bool()>& keep_going = {});

  private:
    using Clock = std::chrono::steady_clock;
    struct Pending;  // an event waiting for its turn, with the failures charged to it
    using Queues = std::unordered_map<std::int64_t, std::deque<Pending>>;

    // One round of a one-at-a-time sink: each item's due events, one call each, from `start`.
    void deliver_one_by_one(const std::vector<std::int64_t>& order, std::size_t start,
                            Queues& queues, Clock::time_point& next_due,
                            const std::stop_token& stop);
    // One round of a pipelined sink with a closed breaker: every due item's events in one call.
    void deliver_together(const std::vector<std::int64_t>& order, Queues& queues,
                          Clock::time_point& next_due);
    // What an outcome does to the head of its item's queue: true when the head may leave it
    // (acknowledged or dead-lettered), false when it waits for a retry (next_due updated).
    bool settle(Pending& head, const Delivery& result, bool charged, Clock::time_point now,
                Clock::time_point& next_due);

    const SinkConfig& config_;
    Sink& sink_;
    CircuitBreaker& breaker_;
    SinkStats& stats_;
    DeadLetterFn dead_letter_;
    Log& log_;
    std::mt19937_64 random_;
};

// The loop of one sink, on its own thread until stop: next batch, deliver, finish; after an
// empty look it waits on `waiter` (a wake-up, or idle_wait). A database error is logged and
// the loop starts again a moment later with the same (unfinished) batch. With a lock, it takes
// batches only while it holds the lock (cursor_lock.hpp), and waits on standby otherwise. After
// a batch smaller than the source's batch size it waits `linger` before the next look.
void run_sink(EventSource& source, BatchDelivery& delivery, EventConsumer& waiter, SinkStats& stats,
              Log& log, const std::stop_token& stop, CursorLock* lock = nullptr,
              std::chrono::milliseconds linger = std::chrono::milliseconds(0));

// Sleeps up to `duration`, returning early when stop is requested.
void sleep_unless_stopped(std::chrono::milliseconds duration, const std::stop_token& stop);

}  // namespace workitem::relay
