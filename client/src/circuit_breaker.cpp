#include "circuit_breaker.hpp"

#include <workitem/errors.hpp>

namespace workitem::detail {

using Clock = std::chrono::steady_clock;

CircuitBreaker::CircuitBreaker(const CircuitBreakerOptions& options, const Log& log)
    : options_(options), log_(log) {}

CircuitBreaker::Permit CircuitBreaker::admit() {
    std::lock_guard lock(mutex_);
    if (position_ == Position::open && Clock::now() - opened_at_ >= options_.open_for) {
        position_ = Position::half_open;
        trial_in_flight_ = false;
        log_(LogLevel::info, "circuit breaker half-open: one trial call goes to the database");
    }
    if (position_ == Position::open || (position_ == Position::half_open && trial_in_flight_)) {
        throw_error(ErrorKind::circuit_open,
                    "the circuit breaker is open after repeated connection failures; calls fail "
                    "at once until a trial call reaches the database");
    }
    if (position_ == Position::half_open) trial_in_flight_ = true;
    return Permit(this);
}

CircuitBreaker::Position CircuitBreaker::position() const {
    std::lock_guard lock(mutex_);
    return position_;
}

void CircuitBreaker::record(bool answered) {
    std::lock_guard lock(mutex_);
    trial_in_flight_ = false;
    if (answered) {
        if (position_ != Position::closed) log_(LogLevel::info, "circuit breaker closed");
        position_ = Position::closed;
        failures_in_a_row_ = 0;
        return;
    }
    ++failures_in_a_row_;
    const bool trip =
        position_ == Position::half_open ||
        (position_ == Position::closed && failures_in_a_row_ >= options_.failure_threshold);
    if (trip) {
        position_ = Position::open;
        opened_at_ = Clock::now();
        log_(LogLevel::warning,
             "circuit breaker open for {} ms after {} connection failures in a row",
             options_.open_for.count(), failures_in_a_row_);
    }
}

void CircuitBreaker::release_trial() {
    std::lock_guard lock(mutex_);
    trial_in_flight_ = false;
}

CircuitBreaker::Permit::~Permit() {
    if (breaker_) breaker_->release_trial();
}

void CircuitBreaker::Permit::database_answered() {
    if (breaker_) breaker_->record(true);
    breaker_ = nullptr;
}

void CircuitBreaker::Permit::database_failed() {
    if (breaker_) breaker_->record(false);
    breaker_ = nullptr;
}

}  // namespace workitem::detail
