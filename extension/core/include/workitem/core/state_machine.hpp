// The transition table: the one place that says which operation may run from which state,
// where it leads and who may do it (domain.md §2). Change a rule here and in its tests.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <optional>
#include <span>

#include "workitem/core/operation.hpp"
#include "workitem/core/people.hpp"
#include "workitem/core/state.hpp"

namespace workitem::core {

// Where a transition leads.
enum class Target : std::uint8_t {
    fixed,        // TransitionRule::to
    same,         // the state does not change (escalate, heartbeat, update, save_output)
    resume_to,    // the state remembered when the item was suspended
    by_strategy,  // the distribution strategy decides (create, activate)
};

struct TransitionRule {
    Operation op;
    StateSet from;
    Target target;
    State to;
    Roles who;                    // any one of these roles may do it
    bool needs_override = false;  // allocate over an existing owner
};

// The whole table. `create` has no "from" state: it makes the item.
std::span<const TransitionRule> transition_table();

// The rule that lets `op` run from `from`, if any. `override` selects the allocate-over-owner row.
const TransitionRule* find_rule(Operation op, State from, bool override = false);

// The state an item ends in when `op` runs from `from` (nullopt where the table refuses or the
// strategy decides). `resume_to` is the remembered state of a suspended item.
std::optional<State> target_state(const TransitionRule& rule, State from,
                                  std::optional<State> resume_to);

}  // namespace workitem::core
