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

bool pushes(Strategy strategy) {
    return strategy != Strategy::offer && strategy != Strategy::direct;
}

namespace {

std::optional<std::string_view> choose(Strategy strategy, const DistributionFacts& facts) {
    const auto& eligible = facts.eligible;
    if (eligible.empty()) return std::nullopt;
    switch (strategy) {
        case Strategy::round_robin: {
            // The next user after the previous choice, in the stable order; wraps around.
            if (facts.last_assigned) {
                for (const auto& candidate : eligible) {
                    if (candidate.user > *facts.last_assigned) return candidate.user;
                }
            }
            return eligible.front().user;
        }
        case Strategy::shortest_queue: {
            const auto fewest = std::min_element(
                eligible.begin(), eligible.end(),
                [](const Candidate& a, const Candidate& b) { return a.held_items < b.held_items; });
            return fewest->user;
        }
        case Strategy::random:
            return eligible[facts.random_draw % eligible.size()].user;
        case Strategy::retain_familiar:
            for (const auto& candidate : eligible) {
                if (facts.familiar_user && candidate.user == *facts.familiar_user) {
                    return candidate.user;
                }
            }
            return std::nullopt;  // nobody familiar is available: offer it
        case Strategy::offer:
        case Strategy::direct:
            break;
    }
    return std::nullopt;
}

}  // namespace

Result<Placement> place(std::string_view strategy_name, const People& people,
                        const DistributionFacts& facts,
                        std::span<const std::string_view> custom_strategies) {
    const auto strategy = parse_strategy(strategy_name);
    const bool custom = !strategy && std::find(custom_strategies.begin(), custom_strategies.end(),
                                               strategy_name) != custom_strategies.end();
    if (custom) {
        const auto& eligible = facts.eligible;
        const bool chosen_is_eligible =
            facts.custom_choice &&
            std::any_of(eligible.begin(), eligible.end(),
                        [&](const Candidate& c) { return c.user == *facts.custom_choice; });
        if (chosen_is_eligible && *facts.custom_choice != system_actor) {
            return Placement{State::allocated, facts.custom_choice};
        }
        return Placement{State::offered, std::nullopt};
    }
    if (!strategy) {
        return Error{ErrorCode::invalid_input,
                     fmt::format("invalid assignment: strategy '{}' is not a known strategy",
                                 strategy_name.substr(0, 100)),
                     "", ""};
    }
    if (strategy == Strategy::offer) return Placement{State::offered, std::nullopt};
    if (pushes(*strategy)) {
        const auto owner = choose(*strategy, facts);
        return owner && *owner != system_actor ? Placement{State::allocated, owner}
                                               : Placement{State::offered, std::nullopt};
    }

    const auto& users = people.potential_owners.users;
    if (users.size() != 1 || !people.potential_owners.groups.empty()) {
        return Error{ErrorCode::invalid_input,
                     "invalid assignment: strategy 'direct' needs exactly one user in "
                     "potential_owners.users and no groups",
                     "",
                     R"(Example: {"strategy": "direct", "potential_owners": {"users": ["ann"]}})"};
    }
    // The timer's reserved actor is never an owner (parse_assignment refuses it; an assignment
    // stored before that rule is offered instead).
    if (users.front() == system_actor) return Placement{State::offered, std::nullopt};
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
