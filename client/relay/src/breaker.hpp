// A sink's circuit breaker (docs/relay.md, Circuit breaker): closed, open, half-open. It opens
// after `consecutive_failures` failed calls in a row, or when at least `failure_rate` of the last
// `window` calls failed (once `min_calls` were made). Open, it refuses calls for `open_for`; then
// half-open, it lets one trial call through: a success closes it, a failure opens it again. Used
// by one thread (the sink's); state() may be read by others.
#pragma once

#include "config.hpp"

#include <atomic>
#include <chrono>
#include <deque>

namespace workitem::relay {

enum class BreakerState { closed = 0, open = 1, half_open = 2 };
const char* to_string(BreakerState state);

class CircuitBreaker {
  public:
    using Clock = std::chrono::steady_clock;

    explicit CircuitBreaker(BreakerSettings settings) : settings_(settings) {}

    // Whether a call may be made now. Open: no, until open_for has passed; then it turns
    // half-open and allows one trial call, whose record() decides.
    bool allow(Clock::time_point now);
    void record(bool success, Clock::time_point now);

    BreakerState state() const { return state_.load(std::memory_order_relaxed); }
    // While open: when it turns half-open.
    Clock::time_point open_until() const { return open_until_; }
    // How many times it opened.
    unsigned long long trips() const { return trips_.load(std::memory_order_relaxed); }

  private:
    void open(Clock::time_point now);

    BreakerSettings settings_;
    std::atomic<BreakerState> state_{BreakerState::closed};
    std::atomic<unsigned long long> trips_{0};
    Clock::time_point open_until_{};
    int consecutive_{0};
    std::deque<bool> window_{};  // the last calls' outcomes (true: failed)
    int window_failures_{0};
};

}  // namespace workitem::relay
