#include "workitem/core/state_machine.hpp"

#include <array>

namespace workitem::core {

namespace {
using enum State;
using R = Role;

constexpr StateSet held{allocated, started};
constexpr StateSet any_active = active_states;

// One row per (operation, from-set). Read top to bottom: the first matching row applies.
constexpr std::array rules{
    TransitionRule{Operation::create, {}, Target::by_strategy, created, {R::service, R::initiator}},
    TransitionRule{Operation::activate,
                   {created},
                   Target::by_strategy,
                   offered,
                   {R::system, R::administrator}},
    TransitionRule{Operation::claim, {offered}, Target::fixed, allocated, {R::potential_owner}},
    TransitionRule{
        Operation::claim_next, {offered}, Target::fixed, allocated, {R::potential_owner}},
    TransitionRule{Operation::allocate,
                   {created, offered},
                   Target::fixed,
                   allocated,
                   {R::administrator, R::system}},
    TransitionRule{Operation::allocate,
                   held,
                   Target::fixed,
                   allocated,
                   {R::administrator, R::system},
                   /*needs_override=*/true},
    // start from offered is claim and start in one call, so it needs a potential owner.
    TransitionRule{Operation::start, {offered}, Target::fixed, started, {R::potential_owner}},
    TransitionRule{Operation::start, {allocated}, Target::fixed, started, {R::actual_owner}},
    TransitionRule{Operation::stop, {started}, Target::fixed, allocated, {R::actual_owner}},
    TransitionRule{
        Operation::release, held, Target::fixed, offered, {R::actual_owner, R::administrator}},
    TransitionRule{
        Operation::delegate, held, Target::fixed, allocated, {R::actual_owner, R::administrator}},
    TransitionRule{Operation::resolve, held, Target::fixed, allocated, {R::actual_owner}},
    // The timer forwards too: a deadline's reoffer action.
    TransitionRule{Operation::forward,
                   {offered, allocated, started},
                   Target::fixed,
                   offered,
                   {R::actual_owner, R::administrator, R::system}},
    TransitionRule{Operation::suspend,
                   {offered, allocated, started},
                   Target::fixed,
                   suspended,
                   {R::actual_owner, R::administrator}},
    TransitionRule{Operation::resume,
                   {suspended},
                   Target::resume_to,
                   offered,
                   {R::actual_owner, R::administrator, R::system}},
    TransitionRule{Operation::complete, held, Target::fixed, completed, {R::actual_owner}},
    TransitionRule{Operation::fail, held, Target::fixed, failed, {R::actual_owner}},
    TransitionRule{
        Operation::skip, any_active, Target::fixed, skipped, {R::initiator, R::administrator}},
    TransitionRule{Operation::cancel,
                   any_active,
                   Target::fixed,
                   cancelled,
                   {R::initiator, R::administrator, R::service}},
    TransitionRule{Operation::cancel_workflow,
                   any_active,
                   Target::fixed,
                   cancelled,
                   {R::initiator, R::service}},
    TransitionRule{Operation::expire, any_active, Target::fixed, expired, {R::system}},
    TransitionRule{Operation::escalate, any_active, Target::same, created, {R::system}},
    // lease_expire lands in offered, or in error after too many expiries (decide() refines it).
    TransitionRule{Operation::lease_expire, held, Target::fixed, offered, {R::system}},
    TransitionRule{Operation::mark_error,
                   any_active,
                   Target::fixed,
                   error,
                   {R::service, R::administrator, R::system}},
    TransitionRule{Operation::heartbeat, held, Target::same, created, {R::actual_owner}},
    TransitionRule{
        Operation::update, any_active, Target::same, created, {R::administrator, R::initiator}},
    TransitionRule{Operation::save_output, held, Target::same, created, {R::actual_owner}},
};
}  // namespace

std::span<const TransitionRule> transition_table() {
    return rules;
}

const TransitionRule* find_rule(Operation op, State from, bool override) {
    for (const auto& rule : rules) {
        if (rule.op == op && rule.from.contains(from) && (override || !rule.needs_override)) {
            return &rule;
        }
    }
    return nullptr;
}

std::optional<State> target_state(const TransitionRule& rule, State from,
                                  std::optional<State> resume_to) {
    switch (rule.target) {
        case Target::fixed:
            return rule.to;
        case Target::same:
            return from;
        case Target::resume_to:
            return resume_to.value_or(State::offered);
        case Target::by_strategy:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace workitem::core
