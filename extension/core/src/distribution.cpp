#include "workitem/core/distribution.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace workitem::core {

namespace {
constexpr std::array<std::string_view, 6> strategy_names{
    "offer", "direct", "round_robin", "shortest_queue", "random", "retain_familiar",
};
}  // namespace

std::optional<Strategy> parse_strategy(std::string_view name) {
    for (std::size_t i = 0; i < strategy_names.size(); ++i) {
        if (strategy_names[i] == name) return static_cast<Strategy>(i);
    }
    return std::nullopt;
}

std::string_view to_string(Strategy strategy) {
    return strategy_names[static_cast<std::size_t>(strategy)];
}

bool is_available(Strategy strategy) {
    return strategy == Strategy::offer || strategy == Strategy::direct;
}

Result<Placement> place(std::string_view strategy_name, const People& people) {
    const auto strategy = parse_strategy(strategy_name);
    if (!strategy) {
        return Error{ErrorCode::invalid_input,
                     fmt::format("invalid assignment: strategy '{}' is not a known strategy",
                                 strategy_name.substr(0, 100)),
                     "", ""};
    }
    if (!is_available(*strategy)) {
        return Error{ErrorCode::feature_disabled,
                     fmt::format("distribution strategy '{}' is not available", strategy_name), "",
                     "Use the strategy 'offer' or 'direct'."};
    }
    if (strategy == Strategy::offer) return Placement{State::offered, std::nullopt};

    const auto& users = people.potential_owners.users;
    if (users.size() != 1 || !people.potential_owners.groups.empty()) {
        return Error{ErrorCode::invalid_input,
                     "invalid assignment: strategy 'direct' needs exactly one user in "
                     "potential_owners.users and no groups",
                     "",
                     R"(Example: {"strategy": "direct", "potential_owners": {"users": ["ann"]}})"};
    }
    const auto& excluded = people.excluded_owners.users;
    if (std::find(excluded.begin(), excluded.end(), users.front()) != excluded.end()) {
        return Error{ErrorCode::invalid_input,
                     fmt::format("invalid assignment: direct owner '{}' is also an excluded owner",
                                 users.front()),
                     "", ""};
    }
    return Placement{State::allocated, users.front()};
}

}  // namespace workitem::core
