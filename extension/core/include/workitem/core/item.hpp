// The parts of a work item row that the rules read. Strings are views into the caller's storage.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

#include "workitem/core/people.hpp"
#include "workitem/core/state.hpp"
#include "workitem/core/time.hpp"

namespace workitem::core {

enum class DelegationState : std::uint8_t { none, pending, resolved };

std::string_view to_string(DelegationState state);
std::optional<DelegationState> parse_delegation_state(std::string_view label);

struct Item {
    std::int64_t id = 0;
    std::int64_t version = 1;
    State state = State::created;
    std::optional<std::string_view> owner;
    std::optional<std::string_view> delegated_from;
    DelegationState delegation_state = DelegationState::none;
    std::optional<std::string_view> created_by;
    // The owner whose lease last ran out, so their late calls learn why (WI419).
    std::optional<std::string_view> lease_expired_owner;
    People people;
    std::string_view strategy = "offer";  // from the assignment: used when the item activates
    bool skippable = false;
    std::optional<Timestamp> activate_at;
    std::optional<Timestamp> expires_at;
    std::optional<Timestamp> lease_until;
    std::optional<std::int32_t> lease_seconds;
    std::int32_t lease_expiries = 0;
    std::optional<State> resume_to;
    std::optional<Timestamp> suspended_until;
    std::int32_t escalation_level = 0;
};

}  // namespace workitem::core
