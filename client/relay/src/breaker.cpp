#include "breaker.hpp"

namespace workitem::relay {

const char* to_string(BreakerState state) {
    switch (state) {
        case BreakerState::closed:
            return "closed";
        case BreakerState::open:
            return "open";
        case BreakerState::half_open:
            return "half_open";
    }
    return "closed";
}

bool CircuitBreaker::allow(Clock::time_point now) {
    switch (state()) {
        case BreakerState::closed:
            return true;
        case BreakerState::open:
            if (now < open_until_) return false;
            state_.store(BreakerState::half_open, std::memory_order_relaxed);
            return true;
        case BreakerState::half_open:
            return true;  // one caller, one call at a time: the trial is this call
    }
    return true;
}

void CircuitBreaker::record(bool success, Clock::time_point now) {
    if (state() == BreakerState::half_open) {
        if (success) {
            state_.store(BreakerState::closed, std::memory_order_relaxed);
            consecutive_ = 0;
            window_.clear();
            window_failures_ = 0;
        } else {
            open(now);
        }
        return;
    }
    if (state() == BreakerState::open) return;  // a call allowed before it opened
    consecutive_ = success ? 0 : consecutive_ + 1;
    window_.push_back(!success);
    window_failures_ += success ? 0 : 1;
    if (static_cast<int>(window_.size()) > settings_.window) {
        window_failures_ -= window_.front() ? 1 : 0;
        window_.pop_front();
    }
    const int calls = static_cast<int>(window_.size());
    const bool rate_exceeded =
        calls >= settings_.min_calls &&
        static_cast<double>(window_failures_) >= settings_.failure_rate * calls;
    if (consecutive_ >= settings_.consecutive_failures || rate_exceeded) open(now);
}

void CircuitBreaker::open(Clock::time_point now) {
    state_.store(BreakerState::open, std::memory_order_relaxed);
    trips_.fetch_add(1, std::memory_order_relaxed);
    open_until_ = now + settings_.open_for;
    consecutive_ = 0;
    window_.clear();
    window_failures_ = 0;
}

}  // namespace workitem::relay
