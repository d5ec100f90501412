// Distribution strategies (domain.md §3): where a new or activated item lands.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <optional>
#include <string>
#include <string_view>

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

// Strategies this build can run; the others are known names that answer WI501 until they land.
bool is_available(Strategy strategy);

struct Placement {
    State state;                            // offered or allocated
    std::optional<std::string_view> owner;  // set when allocated; a view into `people`
};

// Decides where an item goes once it is active (not waiting for activate_at).
Result<Placement> place(std::string_view strategy, const People& people);

}  // namespace workitem::core
