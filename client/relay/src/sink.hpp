// A sink: where the relay delivers events (docs/relay.md, Sinks). deliver() sends one event
// and says what became of it; the delivery loop (delivery.hpp) decides what happens next:
// retry with backoff, hold back the item's later events, trip the breaker, dead-letter.
#pragma once

#include "event.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace workitem::relay {

struct Delivery {
    enum class Outcome {
        delivered,  // the sink acknowledged it
        retry,      // a failure that may pass (timeout, 5xx, 429, connection refused)
        permanent   // the sink refused this event for good (a 4xx): dead letter
    };
    Outcome outcome{Outcome::delivered};
    // A short, bounded label for metrics and logs: "http_503", "timeout", "connect" ...
    std::string reason{};
    // What went wrong, for the log and the dead letter (never a secret or a header).
    std::string detail{};
    // The sink asked to wait at least this long (Retry-After).
    std::optional<std::chrono::milliseconds> retry_after{};

    static Delivery ok() { return {}; }
    static Delivery failed(Outcome outcome, std::string reason, std::string detail,
                           std::optional<std::chrono::milliseconds> retry_after = std::nullopt) {
        return {outcome, std::move(reason), std::move(detail), retry_after};
    }
};

class Sink {
  public:
    virtual ~Sink() = default;
    // Delivers one event. Must not throw: a failure is an outcome.
    virtual Delivery deliver(const RelayEvent& event) = 0;
};

}  // namespace workitem::relay
