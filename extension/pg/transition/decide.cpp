#include <optional>

#include "transition/decide.hpp"

#include "workitem/core/decide.hpp"

#include "policy/constraints.hpp"
#include "policy/lease_defaults.hpp"

namespace workitem::pg {

namespace {

// A worker's claim (and its heartbeat) gets the default lease of the item's task or queue, which
// the core takes when nothing else names one. Read outside the boundary (it may load the cache).
std::optional<int32> worker_default_lease(const char* tenant, const TransitionCall& call,
                                          const ItemRow& row) {
    if (call.operation != core::Operation::claim_next &&
        call.operation != core::Operation::heartbeat) {
        return std::nullopt;
    }
    return default_lease_for(tenant, row.queue, row.task_name);
}

// The core's decision, given the facts.
core::Result<core::Change> decide_with_facts(const TransitionCall& call, const ItemRow& row,
                                             const core::ConstraintFacts& facts,
                                             std::optional<int32> default_lease,
                                             core::Timestamp now) {
    const core::Item item = to_core_item(row);
    core::Command command = to_command(call);
    command.default_lease_seconds = default_lease;
    return core::decide(command, item, to_actor(call, row.actor_groups), facts, now);
}

}  // namespace

// The checks that need no facts (core::authorize: visibility, version, state, authorization) on
// `row`: whether they let the call through; a refusal is recorded in `failure` (an item the actor
// may not see: false with no failure, for the caller to answer as it answers a missing id).
bool authorize(const TransitionCall& call, const ItemRow& row, core::Timestamp now,
               Failure* failure) {
    struct Outcome {
        bool authorized;
        bool hidden;
    };
    Failure refusal{};
    const Outcome outcome = cpp_boundary([&]() -> core::Result<Outcome> {
        const core::Item item = to_core_item(row);
        const core::Status status =
            core::authorize(to_command(call), item, to_actor(call, row.actor_groups), now);
        if (status) return Outcome{true, false};
        if (status.error().code == core::ErrorCode::not_found) return Outcome{false, true};
        refusal = failure_from(status.error());
        return Outcome{false, false};
    });
    if (failure != nullptr) *failure = outcome.hidden ? Failure{} : refusal;
    return outcome.authorized;
}

// Raises the refusal of the checks that need no facts, if any: what a call runs on the row read
// unlocked, before it locks the row or anything a constraint check locks, so that a call refused
// by visibility or authorization never locks (or waits for) what it may not touch - unless
// another transaction is changing that row (`read_as`: the version read; the locked path then
// decides). An item the actor may not see is answered exactly as a missing id.
void authorize_or_raise(const char* tenant, const TransitionCall& call, const ItemRow& row,
                        core::Timestamp now, const RowVersion* read_as) {
    Failure refusal{};
    if (authorize(call, row, now, &refusal)) return;
    // On a row read unlocked (`read_as`) that a writer is changing: not final, see row_changing -
    // unless the actor may not see it: an invisible row is never waited for nor locked, as last
    // committed (a change in flight that would show it to the actor shows it to its next call).
    if (read_as != nullptr && refusal.sqlerrcode != 0 && row_changing(*read_as)) return;
    if (refusal.sqlerrcode == 0) raise_not_found(call.item_id, tenant);
    raise(refusal);
}

// On the locked row: the checks that need no facts first (they raise before a constraint check
// locks a directory row or a workflow), then the facts, then the whole decision.
core::Change decide_or_raise(const char* tenant, const TransitionCall& call, const ItemRow& row,
                             core::Timestamp now) {
    authorize_or_raise(tenant, call, row, now);
    const core::ConstraintFacts facts = gather_constraint_facts(tenant, call, row);
    const std::optional<int32> default_lease = worker_default_lease(tenant, call, row);
    return cpp_boundary([&]() { return decide_with_facts(call, row, facts, default_lease, now); });
}

Verdict not_found_verdict(int64 item_id) {
    Verdict verdict{};
    verdict.sqlerrcode = sqlstate_of(core::ErrorCode::not_found);
    verdict.message = psprintf("item %ld not found", item_id);  // as for a missing id
    return verdict;
}

// Whether a batch row's refusal is that the actor may not see the item (answered as missing).
bool refused_as_hidden(const Verdict& verdict) {
    return !verdict.allowed && verdict.sqlerrcode == sqlstate_of(core::ErrorCode::not_found);
}

// The checks that need no facts, as a verdict (allowed: they let the call through).
Verdict authorization_verdict(const TransitionCall& call, const ItemRow& row, core::Timestamp now) {
    Failure refusal{};
    Verdict verdict{};
    verdict.allowed = authorize(call, row, now, &refusal);
    if (verdict.allowed) return verdict;
    if (refusal.sqlerrcode == 0) return not_found_verdict(row.id);
    verdict.sqlerrcode = refusal.sqlerrcode;
    verdict.message = refusal.message;
    return verdict;
}

Verdict decide(const char* tenant, const TransitionCall& call, const ItemRow& row,
               core::Timestamp now) {
    // A check that locks (a directory row, a workflow) runs only for an authorized actor.
    if (constraint_checks_lock(call, row)) {
        const Verdict pre = authorization_verdict(call, row, now);
        if (!pre.allowed) return pre;
    }
    const core::ConstraintFacts facts = gather_constraint_facts(tenant, call, row);
    const std::optional<int32> default_lease = worker_default_lease(tenant, call, row);
    return cpp_boundary([&]() -> core::Result<Verdict> {
        auto decision = decide_with_facts(call, row, facts, default_lease, now);
        Verdict verdict{};
        if (decision) {
            verdict.allowed = true;
            verdict.change = decision.value();
        } else {
            verdict.sqlerrcode = sqlstate_of(decision.error().code);
            verdict.message =
                copy_to_palloc(decision.error().message);  // WI404: "item N not found"
        }
        return verdict;
    });
}

}  // namespace workitem::pg
