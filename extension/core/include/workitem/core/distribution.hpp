// Distribution strategies (domain.md §3): where a new or activated item lands.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workitem/core/people.hpp"
#include "workitem/core/result.hpp"
#include "workitem/core/state.hpp"

namespace workitem::core {

enum class Strategy : std::uint8_t {
    offer,
    direct,
    round_robin,
    shortest_queue,
    random,
    retain_familiar,
};

std::optional<Strategy> parse_strategy(std::string_view name);
std::string_view to_string(Strategy strategy);

// Strategies that choose one owner and allocate to them (push), as opposed to offer and direct.
bool pushes(Strategy strategy);

// One user a push strategy may choose: a potential owner who is not excluded, available and
// below capacity (the glue reads these from the directory).
struct Candidate {
    std::string_view user;
    std::int32_t held_items = 0;  // active items the user holds now
};

// What the push strategies choose from. Views into the caller's storage.
struct DistributionFacts {
    std::vector<Candidate> eligible;                // in a stable order (by user id)
    std::optional<std::string_view> last_assigned;  // round_robin: the previous choice
    std::uint64_t random_draw = 0;                  // random: a uniformly drawn number
    std::optional<std::string_view> familiar_user;  // retain_familiar: the named step's completer
    std::optional<std::string_view> custom_choice;  // a custom strategy's answer
};

struct Placement {
    State state;                            // offered or allocated
    std::optional<std::string_view> owner;  // set when allocated; a view into `people` or `facts`
};

// Decides where an item goes once it is active (not waiting for activate_at). A push strategy
// with nobody eligible offers the item instead, so it is never lost. A name that is not built
// in is a custom strategy (the caller checked it is registered): its choice is taken when it is
// an eligible user, else the item is offered. No strategy allocates to the timer's reserved
// actor 'system' (parse_assignment refuses it; an older stored assignment is offered instead).
Result<Placement> place(std::string_view strategy, const People& people,
                        const DistributionFacts& facts = {},
                        std::span<const std::string_view> custom_strategies = {});

}  // namespace workitem::core
