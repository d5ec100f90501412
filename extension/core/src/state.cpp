#include "workitem/core/item.hpp"
#include "workitem/core/state.hpp"

#include <array>

namespace workitem::core {

namespace {
constexpr std::array<std::string_view, 3> delegation_labels{"none", "pending", "resolved"};
}  // namespace

std::string_view to_string(State state) {
    return state_labels[static_cast<std::size_t>(state)];
}

std::optional<State> parse_state(std::string_view label) {
    for (std::size_t i = 0; i < state_labels.size(); ++i) {
        if (state_labels[i] == label) return static_cast<State>(i);
    }
    return std::nullopt;
}

std::string_view to_string(DelegationState state) {
    return delegation_labels[static_cast<std::size_t>(state)];
}

std::optional<DelegationState> parse_delegation_state(std::string_view label) {
    for (std::size_t i = 0; i < delegation_labels.size(); ++i) {
        if (delegation_labels[i] == label) return static_cast<DelegationState>(i);
    }
    return std::nullopt;
}

}  // namespace workitem::core
