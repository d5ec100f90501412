// The facts the constraint validator needs, gathered under the locks that keep them true until
// the caller commits (domain.md §3): a check spanning several rows needs a lock covering them.
//   capacity:  the taker's directory row is locked, then its held items counted, so two claims
//              by one user at capacity cannot both pass;
//   four eyes: the workflow is locked (transaction advisory lock), then the completers of the
//              named steps are looked up - and completing a step takes the same lock to check
//              that its completer does not hold or finish an item that names it.
#pragma once

#include "workitem/core/validators.hpp"

#include "item/row.hpp"
#include "transition/call.hpp"

namespace workitem::pg {

core::ConstraintFacts gather_constraint_facts(const char* tenant, const TransitionCall& call,
                                              const ItemRow& row);

// Whether gather_constraint_facts would lock anything for this call on this row (a capacity
// check, a four-eyes check): such a call must lock its item first, like every check, so that
// locks are always taken in one order.
bool constraint_checks_lock(const TransitionCall& call, const ItemRow& row);

// A push strategy's choice of `user`, checked under the lock a claim takes: the user's directory
// row is locked (when it sets a capacity) and their held items counted, so two creates, or a
// create and a claim, cannot both give a user their last free slot. False: the user is full.
bool reserve_capacity(const char* tenant, const char* user);

}  // namespace workitem::pg
