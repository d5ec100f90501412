// A sink: where the relay delivers events (docs/relay.md, Sinks). deliver() sends one event
// and says what became of it; the delivery loop (delivery.hpp) decides what happens next:
// retry with backoff, hold back the item's later events, trip the breaker, dead-letter. A sink
// whose peer acknowledges many events in one round trip (Kafka) is pipelined: the loop hands it
// the events of many items at once through deliver_all().
#pragma once

#include "event.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

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

    // Whether the delivery loop should use deliver_all() while the sink's breaker is closed.
    virtual bool pipelined() const { return false; }
    // Sends every event, in the order given (each item's in version order), before waiting for
    // any acknowledgement, and says what became of each: one outcome per event, same order.
    // The default sends one after another. Must not throw.
    virtual std::vector<Delivery> deliver_all(const std::vector<const RelayEvent*>& events) {
        std::vector<Delivery> outcomes;
        outcomes.reserve(events.size());
        for (const auto* event : events) outcomes.push_back(deliver(*event));
        return outcomes;
    }
};

}  // namespace workitem::relay
