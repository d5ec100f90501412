// Deciding one call on one item row, in two steps with one name each:
//   authorize - the checks that need no facts (core::authorize: visibility, version, state,
//               authorization): what a call runs on the row read unlocked, before it locks
//               anything, so a call refused by them never locks (or waits for) what it may not
//               touch;
//   decide    - the whole decision (core::decide), with the facts the constraint checks gather
//               under their locks (policy/constraints.hpp).
// Each comes as a verdict (plain data: a batch reports a refusal in its row; claim_next passes
// over the item) and as `..._or_raise` (a single call raises the refusal).
#pragma once

#include "workitem/core/change.hpp"
#include "workitem/core/time.hpp"

#include "transition/call.hpp"
#include "transition/row_version.hpp"

#include "item/row.hpp"
#include "runtime/boundary.hpp"

namespace workitem::pg {

// A decision as plain data: the change, or the refusal (SQLSTATE and message).
struct Verdict {
    bool allowed;
    core::Change change;
    int sqlerrcode;
    const char* message;
};

// The refusal of an item that is missing (or that the actor may not see: answered alike).
Verdict not_found_verdict(int64 item_id);

// Whether a refusal is that the actor may not see the item (answered as missing).
bool refused_as_hidden(const Verdict& verdict);

// The checks that need no facts on `row`: whether they let the call through; a refusal is
// recorded in `failure` (an item the actor may not see: false with no failure, for the caller
// to answer as it answers a missing id).
bool authorize(const TransitionCall& call, const ItemRow& row, core::Timestamp now,
               Failure* failure);

// The same checks as a verdict (allowed: they let the call through).
Verdict authorization_verdict(const TransitionCall& call, const ItemRow& row, core::Timestamp now);

// The same checks, raising their refusal (an item the actor may not see: exactly as a missing
// id) - unless `read_as` (the version read unlocked) is being changed by another transaction:
// then the refusal is not final and the caller's locked path decides.
void authorize_or_raise(const char* tenant, const TransitionCall& call, const ItemRow& row,
                        core::Timestamp now, const RowVersion* read_as = nullptr);

// The whole decision on `row` as a verdict. A check that locks (a directory row, a workflow)
// runs only for a call the checks that need no facts let through.
Verdict decide(const char* tenant, const TransitionCall& call, const ItemRow& row,
               core::Timestamp now);

// The whole decision on the locked row, raising a refusal: the checks that need no facts first
// (they raise before a constraint check locks a directory row or a workflow), then the facts,
// then the decision.
core::Change decide_or_raise(const char* tenant, const TransitionCall& call, const ItemRow& row,
                             core::Timestamp now);

}  // namespace workitem::pg
