#include "delivery.hpp"

#include <workitem/errors.hpp>
#include <workitem/event_consumer.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace workitem::relay {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::chrono::milliseconds backoff(const RetrySettings& retry, int attempts,
                                  std::optional<std::chrono::milliseconds> retry_after,
                                  std::mt19937_64& random) {
    const int doublings = std::clamp(attempts - 1, 0, 40);
    const double ceiling = std::min(static_cast<double>(retry.max_backoff.count()),
                                    static_cast<double>(retry.initial_backoff.count()) *
                                        static_cast<double>(1ULL << doublings));
    std::uniform_real_distribution<double> jitter(0.0, ceiling);
    auto wait = milliseconds(static_cast<long long>(jitter(random)));
    if (retry_after) wait = std::max(wait, std::min(*retry_after, retry.max_retry_after));
    return wait;
}

void sleep_unless_stopped(milliseconds duration, const std::stop_token& stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, duration, [] { return false; });
}

BatchDelivery::BatchDelivery(const SinkConfig& config, Sink& sink, CircuitBreaker& breaker,
                             SinkStats& stats, DeadLetterFn dead_letter, Log& log)
    : config_(config),
      sink_(sink),
      breaker_(breaker),
      stats_(stats),
      dead_letter_(std::move(dead_letter)),
      log_(log),
      random_(std::random_device{}()) {}

struct BatchDelivery::Pending {
    const RelayEvent* event;
    int attempts{0};  // failures charged to it (only while the breaker was closed)
    Clock::time_point not_before{};
};

bool BatchDelivery::deliver(const std::vector<RelayEvent>& events, const std::stop_token& stop,
                            const std::function<bool()>& keep_going) {
    // One queue per item, in the order of each item's first event; each queue in seq order.
    std::vector<std::int64_t> order;
    Queues queues;
    for (const auto& event : events) {
        if (!config_.filter.accepts(event)) {
            stats_.filtered.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        auto [queue, added] = queues.try_emplace(event.item_id);
        if (added) order.push_back(event.item_id);
        queue->second.push_back(Pending{.event = &event});
    }
    std::size_t start = 0;  // where a round begins: rotates, so no item always goes first
    while (!order.empty()) {
        if (stop.stop_requested() || (keep_going && !keep_going())) return false;
        auto next_due = Clock::time_point::max();
        // A half-open breaker allows one trial call: only the one-at-a-time round makes it.
        if (sink_.pipelined() && breaker_.state() == BreakerState::closed) {
            deliver_together(order, queues, next_due);
        } else {
            deliver_one_by_one(order, start, queues, next_due, stop);
        }
        std::erase_if(order, [&](std::int64_t item) {
            if (!queues[item].empty()) return false;
            queues.erase(item);
            return true;
        });
        if (order.empty()) break;
        start = (start + 1) % order.size();
        if (next_due != Clock::time_point::max()) {
            const auto now = Clock::now();
            if (next_due > now) {
                sleep_unless_stopped(
                    std::min(
                        std::chrono::duration_cast<milliseconds>(next_due - now) + milliseconds(1),
                        milliseconds(1000)),
                    stop);
            }
        }
    }
    return true;
}

void BatchDelivery::deliver_one_by_one(const std::vector<std::int64_t>& order, std::size_t start,
                                       Queues& queues, Clock::time_point& next_due,
                                       const std::stop_token& stop) {
    const std::size_t count = order.size();
    for (std::size_t k = 0; k < count && !stop.stop_requested(); ++k) {
        auto& queue = queues[order[(start + k) % count]];
        // An item's events go one after another as long as they are acknowledged.
        while (!queue.empty()) {
            auto& head = queue.front();
            auto now = Clock::now();
            if (head.not_before > now) {
                next_due = std::min(next_due, head.not_before);
                break;
            }
            if (!breaker_.allow(now)) {
                next_due = std::min(next_due, breaker_.open_until());
                return;  // no call to this sink until the breaker lets one through
            }
            const bool charged = breaker_.state() == BreakerState::closed;
            const auto result = sink_.deliver(*head.event);
            if (!settle(head, result, charged, Clock::now(), next_due)) break;
            queue.pop_front();
        }
    }
}

void BatchDelivery::deliver_together(const std::vector<std::int64_t>& order, Queues& queues,
                                     Clock::time_point& next_due) {
    const auto now = Clock::now();
    std::vector<std::int64_t> sent_items;
    std::vector<const RelayEvent*> events;
    for (const auto item : order) {
        const auto& queue = queues[item];
        if (queue.front().not_before > now) {
            next_due = std::min(next_due, queue.front().not_before);
            continue;
        }
        sent_items.push_back(item);
        for (const auto& pending : queue) events.push_back(pending.event);
    }
    if (events.empty()) return;
    auto outcomes = sink_.deliver_all(events);
    outcomes.resize(events.size(), Delivery::failed(Delivery::Outcome::retry, "transport",
                                                    "the sink gave no outcome"));
    const auto settled_at = Clock::now();
    // Item by item, in order: its events leave the queue up to the first that failed. Those
    // after it stay, even when acknowledged: they are sent again after it (a repeat, with the
    // same id), so none of an item's events counts as delivered before the one it follows.
    std::size_t at = 0;
    for (const auto item : sent_items) {
        auto& queue = queues[item];
        const std::size_t end = at + queue.size();
        for (; at < end; ++at) {
            if (!settle(queue.front(), outcomes[at], true, settled_at, next_due)) break;
            queue.pop_front();
        }
        at = end;
    }
}

bool BatchDelivery::settle(Pending& head, const Delivery& result, bool charged,
                           Clock::time_point now, Clock::time_point& next_due) {
    if (result.outcome == Delivery::Outcome::delivered) {
        breaker_.record(true, now);
        stats_.breaker.store(breaker_.state(), std::memory_order_relaxed);
        stats_.delivered.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    stats_.failed(result.reason);
    if (result.outcome == Delivery::Outcome::permanent) {
        // The sink answered: it is up, and this event is what it refuses.
        breaker_.record(true, now);
        stats_.breaker.store(breaker_.state(), std::memory_order_relaxed);
        dead_letter_(*head.event, "permanent: " + result.reason, result.detail, head.attempts + 1);
        stats_.dead_letters.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    breaker_.record(false, now);
    stats_.breaker.store(breaker_.state(), std::memory_order_relaxed);
    if (charged) ++head.attempts;
    if (head.attempts >= config_.retry.max_attempts) {
        dead_letter_(*head.event, "attempts: " + result.reason, result.detail, head.attempts);
        stats_.dead_letters.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    stats_.retries.fetch_add(1, std::memory_order_relaxed);
    const auto wait =
        backoff(config_.retry, std::max(head.attempts, 1), result.retry_after, random_);
    head.not_before = now + wait;
    next_due = std::min(next_due, head.not_before);
    log_.write(Level::debug, "retry",
               {{"sink", config_.name},
                {"event_id", head.event->id},
                {"item_id", head.event->item_id},
                {"reason", result.reason},
                {"attempts", head.attempts},
                {"wait_ms", wait.count()}});
    return false;  // this item waits; the others go on
}

void run_sink(EventSource& source, BatchDelivery& delivery, EventConsumer& waiter, SinkStats& stats,
              Log& log, const std::stop_token& stop, CursorLock* lock, milliseconds linger) {
    bool consumer_ready = false;
    bool holding = false;
    bool standby = false;
    while (!stop.stop_requested()) {
        if (lock != nullptr) {
            if (!lock->hold()) {
                if (!standby) {
                    log.info(
                        "standby: another relay holds the cursor, or the database cannot "
                        "be reached",
                        {{"sink", stats.sink}, {"consumer", source.consumer()}});
                }
                standby = true;
                holding = false;
                sleep_unless_stopped(milliseconds(500), stop);
                continue;
            }
            if (!holding) {
                log.info("holds the cursor",
                         {{"sink", stats.sink}, {"consumer", source.consumer()}});
            }
            holding = true;
            standby = false;
        }
        try {
            if (!consumer_ready) {
                if (source.ensure_consumer()) {
                    log.info("consumer created",
                             {{"sink", stats.sink}, {"consumer", source.consumer()}});
                }
                consumer_ready = true;
            }
            // Register, look, then wait (docs/events.md, Wake-ups), but register only once a
            // look found nothing: a registration may wait for the commits in flight (up to
            // 20 ms on a busy server), and a look right after a wake-up should not.
            auto batch = source.next_batch();
            if (!batch) {
                waiter.prepare_wait();
                batch = source.next_batch();
            }
            stats.database_ok.store(true, std::memory_order_relaxed);
            if (!batch) {
                waiter.wait_for_events(stop);
                continue;
            }
            const auto started = Clock::now();
            const auto still_holding = [lock] { return lock == nullptr || lock->hold(); };
            if (!delivery.deliver(batch->events, stop, still_holding)) {
                if (stop.stop_requested()) {
                    log.info("batch abandoned at shutdown: it comes again at the next start",
                             {{"sink", stats.sink}, {"batch", batch->id}});
                    return;
                }
                log.warning("lost the cursor lock: batch abandoned, not finished",
                            {{"sink", stats.sink}, {"batch", batch->id}});
                continue;
            }
            source.finish(batch->id);
            stats.batches.fetch_add(1, std::memory_order_relaxed);
            stats.batch_seconds.fetch_add(
                std::chrono::duration<double>(Clock::now() - started).count(),
                std::memory_order_relaxed);
            // A short batch: the sink keeps up. Let the next commits gather into one batch.
            if (linger.count() > 0 &&
                batch->events.size() < static_cast<std::size_t>(source.batch_size())) {
                sleep_unless_stopped(linger, stop);
            }
        } catch (const NotFound& error) {
            // The consumer was dropped under us (or its batch by a rewind): make it again, as at
            // start. A dropped consumer's position is gone; the new one starts now.
            stats.database_ok.store(false, std::memory_order_relaxed);
            log.error("consumer or batch not found: the consumer is created again if missing",
                      {{"sink", stats.sink}, {"error", error.what()}});
            consumer_ready = false;
            sleep_unless_stopped(milliseconds(1000), stop);
        } catch (const std::exception& error) {
            stats.database_ok.store(false, std::memory_order_relaxed);
            log.error("delivery loop", {{"sink", stats.sink}, {"error", error.what()}});
            sleep_unless_stopped(milliseconds(1000), stop);
        }
    }
}

}  // namespace workitem::relay
