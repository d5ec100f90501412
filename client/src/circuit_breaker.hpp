// The circuit breaker toward the database: closed (calls pass), open (calls fail at once for a
// while after repeated connection failures), half-open (one trial call decides).
#pragma once

#include "log.hpp"

#include <workitem/options.hpp>

#include <chrono>
#include <mutex>

namespace workitem::detail {

class CircuitBreaker {
  public:
    enum class Position { closed, open, half_open };

    // Admission to one call; the call reports how the database behaved, or nothing.
    class Permit {
      public:
        explicit Permit(CircuitBreaker* breaker) : breaker_(breaker) {}
        Permit(Permit&& other) noexcept : breaker_(other.breaker_) { other.breaker_ = nullptr; }
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;
        Permit& operator=(Permit&&) = delete;
        ~Permit();

        void database_answered();  // any answer, business errors included
        void database_failed();    // connection failure or no answer in time

      private:
        CircuitBreaker* breaker_;
    };

    CircuitBreaker(const CircuitBreakerOptions& options, const Log& log);

    // Throws Error(circuit_open) while the circuit is open.
    Permit admit();
    Position position() const;

  private:
    void record(bool answered);
    void release_trial();

    const CircuitBreakerOptions options_;
    const Log& log_;
    mutable std::mutex mutex_;
    Position position_{Position::closed};
    int failures_in_a_row_{0};
    std::chrono::steady_clock::time_point opened_at_{};
    bool trial_in_flight_{false};
};

}  // namespace workitem::detail
