#include "workitem/core/decide.hpp"

#include "workitem/core/deadline.hpp"
#include "workitem/core/distribution.hpp"

namespace workitem::core {

namespace {

Timestamp after(Timestamp now, std::int32_t seconds) {
    return now + std::chrono::duration_cast<Microseconds>(std::chrono::seconds{seconds});
}

// A new holder of the item, with a fresh lease if one applies. The record of who last lost
// the item to lease expiry stays (their late calls keep answering WI419) until they hold it again.
void hand_to(Change& change, const Item& item, std::string_view owner,
             std::optional<std::int32_t> lease_seconds, Timestamp now) {
    change.owner = Assign<std::string_view>::to(owner);
    if (item.lease_expired_owner && *item.lease_expired_owner == owner) {
        change.lease_expired_owner = Assign<std::string_view>::null();
    }
    if (lease_seconds) {
        change.lease_seconds = Assign<std::int32_t>::to(*lease_seconds);
        change.lease_until = Assign<Timestamp>::to(after(now, *lease_seconds));
    } else {
        change.lease_until = Assign<Timestamp>::null();
    }
}

// A worker's claim always carries a lease, so a worker that dies never strands the item: the
// caller's, else the item's, else the default (kept out of lease_seconds: see Command).
void hand_to_worker(Change& change, const Item& item, std::string_view owner,
                    std::optional<std::int32_t> lease, std::optional<std::int32_t> fallback,
                    Timestamp now) {
    hand_to(change, item, owner, lease, now);
    if (!lease && fallback) change.lease_until = Assign<Timestamp>::to(after(now, *fallback));
}

// Back to the pool: nobody holds it, no lease, no delegation.
void hand_back(Change& change) {
    change.owner = Assign<std::string_view>::null();
    change.lease_until = Assign<Timestamp>::null();
    change.delegated_from = Assign<std::string_view>::null();
    change.delegation_state = DelegationState::none;
}

void finish(Change& change, Timestamp now) {
    change.completed_at = Assign<Timestamp>::to(now);
    change.lease_until = Assign<Timestamp>::null();
}

// What each operation writes once the validators have let it through.
Result<Change> apply(const Command& command, const Item& item, const TransitionRule& rule,
                     const Actor& actor, const ConstraintFacts& facts, Timestamp now) {
    Change change;
    change.state = target_state(rule, item.state, item.resume_to).value_or(item.state);
    const auto lease = command.lease_seconds ? command.lease_seconds : item.lease_seconds;

    switch (command.op) {
        case Operation::create:
            break;  // plan_create handles creation
        case Operation::activate: {
            auto placement = place(item.strategy, item.people,
                                   facts.distribution ? *facts.distribution : DistributionFacts{});
            if (!placement) return placement.error();
            change.state = placement->state;
            if (placement->owner) hand_to(change, item, *placement->owner, item.lease_seconds, now);
            break;
        }
        case Operation::claim:  // a person's claim: only the lease asked for or assigned
            hand_to(change, item, actor.id, lease, now);
            break;
        case Operation::claim_next:
            hand_to_worker(change, item, actor.id, lease, command.default_lease_seconds, now);
            break;
        case Operation::allocate:
            hand_to(change, item, *command.to_user, item.lease_seconds, now);
            change.delegated_from = Assign<std::string_view>::null();
            change.delegation_state = DelegationState::none;
            break;
        case Operation::start:
            if (item.state == State::offered) hand_to(change, item, actor.id, lease, now);
            break;
        case Operation::stop:
            break;
        case Operation::release:
        case Operation::forward:
            hand_back(change);
            change.writes_assignment = command.op == Operation::forward;
            break;
        case Operation::delegate:
            hand_to(change, item, *command.to_user, item.lease_seconds, now);
            // A chain of delegations still resolves to the first delegator.
            if (item.delegation_state != DelegationState::pending) {
                change.delegated_from = item.owner ? Assign<std::string_view>::to(*item.owner)
                                                   : Assign<std::string_view>::null();
            }
            change.delegation_state = DelegationState::pending;
            break;
        case Operation::resolve:
            hand_to(change, item, *item.delegated_from, item.lease_seconds, now);
            change.delegated_from = Assign<std::string_view>::null();
            change.delegation_state = DelegationState::resolved;
            break;
        case Operation::suspend:
            change.resume_to = Assign<State>::to(item.state);
            change.suspended_until =
                command.until ? Assign<Timestamp>::to(*command.until) : Assign<Timestamp>::null();
            break;
        case Operation::resume:
            change.resume_to = Assign<State>::null();
            change.suspended_until = Assign<Timestamp>::null();
            break;
        case Operation::complete:
            change.writes_output = true;
            finish(change, now);
            break;
        case Operation::fail:
        case Operation::mark_error:
            change.writes_fault = true;
            finish(change, now);
            break;
        case Operation::skip:
        case Operation::cancel:
        case Operation::cancel_workflow:
        case Operation::expire:
            finish(change, now);
            break;
        case Operation::escalate:
            change.escalation_level = item.escalation_level + 1;
            break;
        case Operation::lease_expire: {
            const std::int32_t expiries = item.lease_expiries + 1;
            change.lease_expiries = expiries;
            if (expiries >= command.max_lease_expiries) {
                change.state = State::error;  // a poison item: it keeps losing its holders
                finish(change, now);
            } else {
                hand_back(change);
            }
            change.lease_expired_owner = item.owner ? Assign<std::string_view>::to(*item.owner)
                                                    : Assign<std::string_view>::null();
            break;
        }
        case Operation::heartbeat:
            change.bumps_version = false;
            change.writes_event = false;
            if (lease) {
                change.lease_seconds = Assign<std::int32_t>::to(*lease);
                change.lease_until = Assign<Timestamp>::to(after(now, *lease));
            } else if (item.lease_until && command.default_lease_seconds) {
                // a worker's default lease: extended by the default (held without one: unchanged)
                change.lease_until =
                    Assign<Timestamp>::to(after(now, *command.default_lease_seconds));
            }
            break;
        case Operation::update:
            change.writes_assignment = command.assignment.has_value();
            change.writes_attributes = true;
            break;
        case Operation::save_output:
            change.writes_output = true;
            break;
    }
    // Leaving a suspension any other way than resume (cancel, expire, release, ...): nothing is
    // left to resume to, as the row's invariant asks (a suspended item, and only one, has it).
    if (item.state == State::suspended && change.state != State::suspended) {
        change.resume_to = Assign<State>::null();
        change.suspended_until = Assign<Timestamp>::null();
    }
    return change;
}

}  // namespace

Status authorize(const Command& command, const Item& item, const Actor& actor, Timestamp now) {
    if (auto s = check_visibility(item, actor); !s) return s;
    if (auto s = check_version(command, item); !s) return s;
    auto rule = check_transition(command, item, actor, now);
    if (!rule) return rule.error();
    return check_authorization(**rule, item, actor);
}

Result<Change> decide(const Command& command, const Item& item, const Actor& actor,
                      const ConstraintFacts& facts, Timestamp now) {
    if (auto s = check_visibility(item, actor); !s) return s.error();
    if (auto s = check_version(command, item); !s) return s.error();
    auto rule = check_transition(command, item, actor, now);
    if (!rule) return rule.error();
    if (auto s = check_authorization(**rule, item, actor); !s) return s.error();
    if (auto s = check_change_rights(command, item, actor); !s) return s.error();
    if (auto s = check_constraints(command, item, actor, facts); !s) return s.error();
    if (auto s = check_temporal(command, item, actor, now); !s) return s.error();
    return apply(command, item, **rule, actor, facts, now);
}

Result<CreatePlan> plan_create(const CreateCommand& command, const Actor& actor,
                               const Limits& limits, Timestamp now, const DistributionFacts& facts,
                               std::span<const std::string_view> custom_strategies) {
    if (auto s = validate_create_input(command, actor, limits, now); !s) return s.error();
    if (actor.id == system_actor && !actor.is_system) {
        return Error{ErrorCode::not_authorized, "the actor 'system' is reserved for the timer", "",
                     "Act as a directory user."};
    }
    auto spec = parse_assignment(command.assignment, limits, custom_strategies);
    if (!spec) return spec.error();
    if (command.deadlines) {
        // The creator's rights on the item it makes: those the assignment gives it.
        auto s = authorize_deadlines(*command.deadlines, view_people(*spec), actor, 0);
        if (!s) return s.error();
    }
    auto placement = place(spec->strategy, view_people(*spec), facts, custom_strategies);
    if (!placement) return placement.error();

    CreatePlan plan;
    plan.lease_seconds = spec->lease_seconds;
    if (command.activate_at && *command.activate_at > now) {
        plan.state = State::created;  // distribution runs when the timer activates it
        return plan;
    }
    plan.state = placement->state;
    if (placement->owner) {
        plan.owner = std::string(*placement->owner);
        if (plan.lease_seconds) plan.lease_until = after(now, *plan.lease_seconds);
    }
    return plan;
}

std::vector<Operation> allowed_operations(const Item& item, const Actor& actor,
                                          const ConstraintFacts& facts, Timestamp now) {
    std::vector<Operation> allowed;
    for (Operation op : all_operations) {
        // Not operations on this one item: create makes one, the other two pick or span items.
        if (op == Operation::create || op == Operation::claim_next ||
            op == Operation::cancel_workflow) {
            continue;
        }
        Command command;
        command.op = op;
        command.override_owner = true;  // allocate over an owner is possible for an admin
        auto rule = check_transition(command, item, actor, now);
        if (!rule) continue;
        if (!check_authorization(**rule, item, actor)) continue;
        if (!check_constraints(command, item, actor, facts)) continue;
        if (!check_temporal(command, item, actor, now)) continue;
        allowed.push_back(op);
    }
    return allowed;
}

}  // namespace workitem::core
