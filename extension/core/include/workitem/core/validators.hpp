// The six validators of domain.md §4, in contract order. Each is a small pure function; the
// first that refuses decides the error, so `decide` runs them in exactly this order.
#pragma once
#include "workitem/core/pure_cpp.hpp"

#include <optional>

#include "workitem/core/command.hpp"
#include "workitem/core/distribution.hpp"
#include "workitem/core/item.hpp"
#include "workitem/core/limits.hpp"
#include "workitem/core/people.hpp"
#include "workitem/core/result.hpp"
#include "workitem/core/state_machine.hpp"

namespace workitem::core {

// Facts the glue gathers under the right locks for the constraint validator.
struct ConstraintFacts {
    std::optional<std::int32_t> held_items;  // active items the taking user holds now
    std::optional<std::int32_t> capacity;    // that user's capacity (nullopt: unlimited)
    bool four_eyes_conflict = false;         // actor completed a step named in four_eyes_with
    const DistributionFacts* distribution = nullptr;  // activate: whom a push strategy may choose
};

// 0. visibility: the actor may see the item - a stakeholder (potential owner, owner, delegator,
//    initiator, administrator) or a caller who sees every item of its tenant (a service, a tenant
//    administrator, the timer) - as workitem.visible says for reads. An item the actor may not see
//    is WI404 "item <id> not found", exactly as a missing id: nothing about it is told.
bool may_see(const Item& item, const Actor& actor);
Status check_visibility(const Item& item, const Actor& actor);
// 1. input: shape, required fields, lengths, sizes (WI422). Runs before the item is read.
Status validate_input(const Command& command, const Actor& actor, const Limits& limits,
                      Timestamp now);
Status validate_create_input(const CreateCommand& command, const Actor& actor, const Limits& limits,
                             Timestamp now);
// 2. version: expected_version, when given, is the item's version (WI412).
Status check_version(const Command& command, const Item& item);
// 3. transition: the table allows the operation from the item's state, refined into
//    WI410 / WI425 / WI419 / WI423 / WI409 so the caller learns what happened.
Result<const TransitionRule*> check_transition(const Command& command, const Item& item,
                                               const Actor& actor, Timestamp now);
// 4. authorization: the actor holds one of the rule's roles on this item (WI403).
Status check_authorization(const TransitionRule& rule, const Item& item, const Actor& actor);
//    And what a change may touch: an assignment given to forward or update may name only
//    potential_owners unless the actor administers the item (an administrator of it, a
//    service, the tenant's administrator or the timer): the administrators, excluded owners,
//    constraints, strategy and lease settings are not its owner's or initiator's to change
//    (WI403 naming them). A deadline list given to update: authorize_deadlines (deadline.hpp).
Status check_change_rights(const Command& command, const Item& item, const Actor& actor);
// 5. constraint: excluded owners, capacity, four eyes, skippable, delegation rules (WI460).
Status check_constraints(const Command& command, const Item& item, const Actor& actor,
                         const ConstraintFacts& facts);
// 6. temporal: the actor's own lease has not run out; the item is not past expires_at.
Status check_temporal(const Command& command, const Item& item, const Actor& actor, Timestamp now);

// The roles `actor` holds on `item`.
Roles roles_of(const Item& item, const Actor& actor);

// "item 42 (state allocated, version 3)": the detail every item error carries.
std::string describe(const Item& item);

}  // namespace workitem::core
