// The core's entry points: decide an operation or a create, without touching any storage.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <optional>
#include <string>

#include "workitem/core/assignment.hpp"
#include "workitem/core/change.hpp"
#include "workitem/core/command.hpp"
#include "workitem/core/distribution.hpp"
#include "workitem/core/item.hpp"
#include "workitem/core/validators.hpp"

namespace workitem::core {

// Runs the visibility check and validators 2-6 on an item already found, then computes what the
// operation writes. (Validator 1, validate_input, runs earlier: before the idempotency lookup and
// the row lock.)
Result<Change> decide(const Command& command, const Item& item, const Actor& actor,
                      const ConstraintFacts& facts, Timestamp now);

// The checks of decide that need no facts, in decide's order: visibility (WI404), version,
// transition, authorization. The glue runs them on the row read unlocked before it locks the row
// or anything a constraint check would lock (a capacity's directory row, a workflow), so a call
// refused here leaves no lock behind; decide runs them again on the locked row.
Status authorize(const Command& command, const Item& item, const Actor& actor, Timestamp now);

// Where a new item starts and what it stores besides the caller's arguments.
struct CreatePlan {
    State state = State::offered;
    std::optional<std::string> owner;
    std::optional<std::int32_t> lease_seconds;
    std::optional<Timestamp> lease_until;
};

// Validates a create (validator 1 and the initiator's authorization) and places the item.
// `facts` tells a push strategy whom it may choose (ignored by offer and direct);
// `custom_strategies` are the registered custom strategy names the assignment may use.
Result<CreatePlan> plan_create(const CreateCommand& command, const Actor& actor,
                               const Limits& limits, Timestamp now,
                               const DistributionFacts& facts = {},
                               std::span<const std::string_view> custom_strategies = {});

// Which operations `actor` may perform on `item` now (WS-HumanTask getTaskOperations):
// the same table and validators as decide, so the answer never disagrees with an attempt.
std::vector<Operation> allowed_operations(const Item& item, const Actor& actor,
                                          const ConstraintFacts& facts, Timestamp now);

}  // namespace workitem::core
