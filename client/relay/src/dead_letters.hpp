// The dead letters: events a sink gave up on (a permanent refusal, or max_attempts failures),
// kept in the database's workitem.relay_dead_letter under the tenant of their event (docs/relay.md,
// Dead letters; extension/sql/parts/32-relay-dead-letters.sql). Read and written only through the
// extension's functions, with parameters.
#pragma once

#include "event.hpp"

#include <workitem/client.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace workitem::relay {

struct DeadLetter {
    std::int64_t id{};
    std::string tenant_id{};
    std::string sink{};
    std::string consumer{};
    std::string event_id{};
    std::int64_t event_seq{};
    std::int64_t item_id{};
    std::int64_t item_version{};
    std::string event_type{};
    std::string reason{};
    std::optional<std::string> error{};
    int attempts{};
    std::string dead_at{};
    std::string state{};  // dead, replayed, dropped
    std::optional<std::string> resolved_at{};
    std::optional<std::string> resolved_by{};
    std::string event{};  // the envelope, JSON text
};

class DeadLetterStore {
  public:
    explicit DeadLetterStore(Client& client) : client_(client) {}

    // Stores the event as dead for this sink; returns the dead letter's id. Storing one that is
    // already there (the batch came again after a crash) returns the one stored.
    std::int64_t add(const std::string& sink, const std::string& consumer, const RelayEvent& event,
                     const std::string& reason, const std::string& error, int attempts);
    std::vector<DeadLetter> list(const std::string& sink, const std::string& state, int limit);
    DeadLetter get(std::int64_t id);  // throws NotFound
    // outcome: "replayed" or "dropped".
    DeadLetter resolve(std::int64_t id, const std::string& outcome);

  private:
    Client& client_;
};

}  // namespace workitem::relay
