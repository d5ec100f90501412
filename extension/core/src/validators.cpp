#include "workitem/core/validators.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "workitem/core/assignment.hpp"
#include "workitem/core/deadline.hpp"

namespace workitem::core {

namespace {

Error invalid(std::string message, std::string hint = "") {
    return Error{ErrorCode::invalid_input, std::move(message), "", std::move(hint)};
}

Error item_error(ErrorCode code, const Item& item, std::string message, std::string hint) {
    return Error{code, std::move(message), describe(item), std::move(hint)};
}

Status check_name(std::string_view field, std::string_view value, const Limits& limits) {
    if (value.empty()) return invalid(fmt::format("{} must not be empty", field));
    if (value.size() > limits.max_name_length) {
        return invalid(fmt::format("{} is longer than {} bytes", field, limits.max_name_length));
    }
    return ok();
}

Status check_optional_name(std::string_view field, std::optional<std::string_view> value,
                           const Limits& limits) {
    return value ? check_name(field, *value, limits) : ok();
}

Status check_payload(std::string_view field, std::optional<std::size_t> bytes,
                     const Limits& limits) {
    if (bytes && *bytes > limits.max_payload_bytes) {
        return invalid(fmt::format("{} is {} bytes, more than the limit of {} bytes", field, *bytes,
                                   limits.max_payload_bytes),
                       "Store large documents elsewhere and pass a reference, or raise "
                       "workitem.max_payload_bytes.");
    }
    return ok();
}

bool is_held(State state) {
    return state == State::allocated || state == State::started;
}

bool holds(const Item& item, const Actor& actor) {
    return item.owner && *item.owner == actor.id;
}

bool lost_lease(const Item& item, const Actor& actor) {
    return item.lease_expired_owner && *item.lease_expired_owner == actor.id && !holds(item, actor);
}

// Operations that hand the item to someone: capacity, exclusion and four eyes apply to them.
bool takes_item(const Command& command, const Item& item) {
    switch (command.op) {
        case Operation::claim:
        case Operation::claim_next:
            return true;
        case Operation::start:
            return item.state == State::offered;
        default:
            return false;
    }
}

bool gives_item(Operation op) {
    return op == Operation::allocate || op == Operation::delegate;
}

// Operations the clock does not restrict: the timer's own, and administrative ends and fixes.
bool bound_by_time(Operation op) {
    switch (op) {
        case Operation::activate:
        case Operation::expire:
        case Operation::escalate:
        case Operation::lease_expire:
        case Operation::cancel:
        case Operation::cancel_workflow:
        case Operation::mark_error:
        case Operation::skip:
        case Operation::update:
            return false;
        default:
            return true;
    }
}

std::string role_list(Roles roles) {
    static constexpr std::pair<Role, std::string_view> role_names[] = {
        {Role::potential_owner, "a potential owner"},
        {Role::actual_owner, "its actual owner"},
        {Role::initiator, "its initiator"},
        {Role::administrator, "an administrator"},
        {Role::service, "a service"},
        {Role::system, "the timer"},
    };
    std::string out;
    for (const auto& [role, name] : role_names) {
        if (!roles.has(role)) continue;
        if (!out.empty()) out += " or ";
        out += name;
    }
    return out;
}

}  // namespace

std::string describe(const Item& item) {
    std::string text =
        fmt::format("item {} (state {}, version {}", item.id, to_string(item.state), item.version);
    if (item.owner) text += fmt::format(", owner {}", *item.owner);
    return text + ")";
}

Roles roles_of(const Item& item, const Actor& actor) {
    Roles roles;
    if (names(item.people.potential_owners, actor)) roles.add(Role::potential_owner);
    if (holds(item, actor)) roles.add(Role::actual_owner);
    if (item.created_by && *item.created_by == actor.id) roles.add(Role::initiator);
    if (actor.is_tenant_admin || names(item.people.administrators, actor)) {
        roles.add(Role::administrator);
    }
    if (actor.acts_as_service) roles.add(Role::service);
    if (actor.is_system) roles.add(Role::system);
    return roles;
}

bool may_see(const Item& item, const Actor& actor) {
    if (actor.acts_as_service || actor.is_tenant_admin || actor.is_system) return true;
    const auto is_actor = [&](const std::optional<std::string_view>& user) {
        return user && *user == actor.id;
    };
    return is_actor(item.owner) || is_actor(item.created_by) || is_actor(item.delegated_from) ||
           names(item.people.potential_owners, actor) || names(item.people.administrators, actor);
}

Status check_visibility(const Item& item, const Actor& actor) {
    if (may_see(item, actor)) return ok();
    // Nothing but the id the caller gave: no state, version or owner in a detail.
    return Error{ErrorCode::not_found, fmt::format("item {} not found", item.id), "", ""};
}

Status validate_input(const Command& command, const Actor& actor, const Limits& limits,
                      Timestamp now) {
    if (auto s = check_name("actor", actor.id, limits); !s) return s;
    if (command.expected_version && *command.expected_version < 1) {
        return invalid("expected_version must be 1 or more",
                       "Pass the version of the item as you last read it.");
    }
    if (command.lease_seconds &&
        (*command.lease_seconds < 1 || *command.lease_seconds > limits.max_lease_seconds)) {
        return invalid(
            fmt::format("lease_seconds must be between 1 and {}", limits.max_lease_seconds));
    }
    if (gives_item(command.op)) {
        if (!command.to_user) return invalid("to_user is required");
        if (auto s = check_name("to_user", *command.to_user, limits); !s) return s;
        if (*command.to_user == system_actor) {
            return invalid("to_user 'system' is reserved for the timer");
        }
    }
    if (command.op == Operation::suspend && command.until && *command.until <= now) {
        return invalid(
            fmt::format("until ({}) is not in the future", format_timestamp(*command.until)));
    }
    if (command.expires_at && *command.expires_at <= now) {
        return invalid(fmt::format("expires_at ({}) is not in the future",
                                   format_timestamp(*command.expires_at)),
                       "To end an item now, cancel or skip it.");
    }
    for (const auto& [field, time] :
         {std::pair{"until", command.until}, std::pair{"expires_at", command.expires_at},
          std::pair{"due_at", command.due_at}, std::pair{"follow_up_at", command.follow_up_at}}) {
        if (!time) continue;
        if (auto s = check_time(field, *time); !s) return s;
    }
    if (command.op == Operation::forward && !command.assignment) {
        return invalid("assignment is required to forward an item");
    }
    if (command.reason && command.reason->size() > limits.max_payload_bytes) {
        return invalid("reason is longer than the payload limit");
    }
    return check_payload("payload", command.payload_bytes, limits);
}

Status validate_create_input(const CreateCommand& command, const Actor& actor, const Limits& limits,
                             Timestamp now) {
    if (auto s = check_name("actor", actor.id, limits); !s) return s;
    if (auto s = check_name("workflow_id", command.workflow_id, limits); !s) return s;
    if (auto s = check_name("task_name", command.task_name, limits); !s) return s;
    if (auto s = check_optional_name("run_id", command.run_id, limits); !s) return s;
    if (auto s = check_optional_name("step_ref", command.step_ref, limits); !s) return s;
    if (auto s = check_optional_name("queue", command.queue, limits); !s) return s;
    if (auto s = check_payload("input", command.input_bytes, limits); !s) return s;
    for (const auto& [field, time] :
         {std::pair{"due_at", command.due_at}, std::pair{"activate_at", command.activate_at},
          std::pair{"expires_at", command.expires_at},
          std::pair{"follow_up_at", command.follow_up_at}}) {
        if (!time) continue;
        if (auto s = check_time(field, *time); !s) return s;
    }
    if (command.expires_at && *command.expires_at <= now) {
        return invalid(fmt::format("expires_at ({}) is not in the future",
                                   format_timestamp(*command.expires_at)));
    }
    if (command.expires_at && command.activate_at && *command.activate_at >= *command.expires_at) {
        return invalid("activate_at must be before expires_at");
    }
    return ok();
}

Status check_version(const Command& command, const Item& item) {
    if (!command.expected_version || *command.expected_version == item.version) return ok();
    return item_error(ErrorCode::version_conflict, item,
                      fmt::format("version conflict: item {} is at version {}, not {}", item.id,
                                  item.version, *command.expected_version),
                      "Read the item again and retry with its current version.");
}

Result<const TransitionRule*> check_transition(const Command& command, const Item& item,
                                               const Actor& actor, Timestamp now) {
    const auto op = to_string(command.op);
    if (const auto* rule = find_rule(command.op, item.state, command.override_owner)) {
        // lease_expire applies only to a lease that has run out (domain.md §2).
        if (command.op == Operation::lease_expire &&
            (!item.lease_until || *item.lease_until > now)) {
            return item_error(
                ErrorCode::state_conflict, item,
                fmt::format("cannot {} item {}: its lease has not run out", op, item.id),
                "Only a lease past its lease_until expires.");
        }
        return rule;
    }

    if (item.state == State::expired ||
        (is_active(item.state) && item.expires_at && *item.expires_at <= now)) {
        return item_error(ErrorCode::expired, item,
                          fmt::format("cannot {} item {}: it has expired", op, item.id),
                          "Expired items never change again.");
    }
    if (item.state == State::created && item.activate_at && *item.activate_at > now) {
        return item_error(ErrorCode::not_active_yet, item,
                          fmt::format("cannot {} item {}: it is not active until {}", op, item.id,
                                      format_timestamp(*item.activate_at)),
                          "Wait for its activate_at time.");
    }
    if (lost_lease(item, actor)) {
        return item_error(ErrorCode::lease_lost, item,
                          fmt::format("cannot {} item {}: {}'s lease ran out and the item moved on",
                                      op, item.id, actor.id),
                          "Claim the item again if it is still offered.");
    }
    const bool suspended_with_owner = item.state == State::suspended && item.owner;
    if ((is_held(item.state) || suspended_with_owner) && !holds(item, actor)) {
        return item_error(ErrorCode::already_claimed, item,
                          fmt::format("cannot {} item {}: another user holds it", op, item.id),
                          command.op == Operation::allocate
                              ? "Pass override => true to take it from its owner."
                              : "Pick another item, or ask its owner or an administrator to "
                                "release it.");
    }
    return item_error(
        ErrorCode::state_conflict, item,
        fmt::format("cannot {} item {} in state {}", op, item.id, to_string(item.state)),
        "Call workitem_allowed_operations to see what can be done now.");
}

Status check_authorization(const TransitionRule& rule, const Item& item, const Actor& actor) {
    if (actor.id == system_actor && !actor.is_system) {
        return item_error(ErrorCode::not_authorized, item,
                          "the actor 'system' is reserved for the timer",
                          "Act as a directory user.");
    }
    const Roles roles = roles_of(item, actor);
    if (roles.any_of(rule.who)) return ok();
    if (rule.who.has(Role::actual_owner) && lost_lease(item, actor)) {
        return item_error(ErrorCode::lease_lost, item,
                          fmt::format("cannot {} item {}: {}'s lease ran out and the item moved on",
                                      to_string(rule.op), item.id, actor.id),
                          "Claim the item again if it is still offered.");
    }
    return item_error(ErrorCode::not_authorized, item,
                      fmt::format("{} may not {} item {}: only {} may", actor.id,
                                  to_string(rule.op), item.id, role_list(rule.who)),
                      "Act as a user with that role on the item.");
}

Status check_change_rights(const Command& command, const Item& item, const Actor& actor) {
    const Roles roles = roles_of(item, actor);
    if (roles.any_of({Role::administrator, Role::service, Role::system})) return ok();
    if (command.assignment) {
        std::string named;
        for (const auto& key : assignment_keys(*command.assignment)) {
            if (key == "potential_owners") continue;
            named += named.empty() ? key : ", " + key;
        }
        if (!named.empty()) {
            return item_error(
                ErrorCode::not_authorized, item,
                fmt::format("{} may not change {} of item {}: only an administrator of the item "
                            "or a service may; {} by its {} may change only potential_owners",
                            actor.id, named, item.id,
                            command.op == Operation::forward ? "a forward" : "an update",
                            command.op == Operation::forward ? "owner" : "initiator"),
                "Pass only potential_owners, or ask an administrator of the item.");
        }
    }
    if (command.deadlines) {
        auto s = authorize_deadlines(*command.deadlines, item.people, actor, item.id);
        if (!s)
            return item_error(ErrorCode::not_authorized, item, s.error().message, s.error().hint);
    }
    return ok();
}

Status check_constraints(const Command& command, const Item& item, const Actor& actor,
                         const ConstraintFacts& facts) {
    const auto& excluded = item.people.excluded_owners;
    if (takes_item(command, item) && names(excluded, actor)) {
        return item_error(ErrorCode::constraint_violated, item,
                          fmt::format("{} is an excluded owner of item {}", actor.id, item.id),
                          "Another potential owner must take it.");
    }
    if (gives_item(command.op) && command.to_user) {
        const auto& users = excluded.users;
        if (std::find(users.begin(), users.end(), *command.to_user) != users.end()) {
            return item_error(
                ErrorCode::constraint_violated, item,
                fmt::format("{} is an excluded owner of item {}", *command.to_user, item.id),
                "Choose another user.");
        }
        if (item.owner && *item.owner == *command.to_user) {
            return item_error(
                ErrorCode::constraint_violated, item,
                fmt::format("item {} is already held by {}", item.id, *command.to_user),
                "Choose another user.");
        }
    }
    if ((takes_item(command, item) || gives_item(command.op)) && facts.capacity &&
        facts.held_items.value_or(0) >= *facts.capacity) {
        return item_error(ErrorCode::constraint_violated, item,
                          fmt::format("capacity reached: the user holds {} of at most {} items",
                                      facts.held_items.value_or(0), *facts.capacity),
                          "Complete or release an item first.");
    }
    const bool four_eyes_applies =
        takes_item(command, item) || gives_item(command.op) || command.op == Operation::complete;
    if (facts.four_eyes_conflict && four_eyes_applies) {
        const auto taker = gives_item(command.op) && command.to_user ? *command.to_user : actor.id;
        return item_error(ErrorCode::constraint_violated, item,
                          fmt::format("four eyes: {} worked on a step of this workflow that "
                                      "item {} must be done by someone else for",
                                      taker, item.id),
                          "Another user must take it.");
    }
    if (command.op == Operation::skip && !item.skippable) {
        return item_error(ErrorCode::constraint_violated, item,
                          fmt::format("item {} is not skippable", item.id),
                          "Cancel it instead, or create it with skippable => true.");
    }
    if (command.op == Operation::resolve &&
        (item.delegation_state != DelegationState::pending || !item.delegated_from)) {
        return item_error(ErrorCode::constraint_violated, item,
                          fmt::format("item {} is not delegated", item.id),
                          "Only a delegated item can be resolved back to its delegator.");
    }
    return ok();
}

Status check_temporal(const Command& command, const Item& item, const Actor& actor, Timestamp now) {
    if (!bound_by_time(command.op)) return ok();
    if (holds(item, actor) && item.lease_until && *item.lease_until <= now) {
        return item_error(
            ErrorCode::lease_lost, item,
            fmt::format("cannot {} item {}: {}'s lease ran out at {}", to_string(command.op),
                        item.id, actor.id, format_timestamp(*item.lease_until)),
            "Heartbeat before the lease runs out; claim the item again if it is "
            "offered.");
    }
    if (item.expires_at && *item.expires_at <= now) {
        return item_error(ErrorCode::expired, item,
                          fmt::format("cannot {} item {}: it expired at {}", to_string(command.op),
                                      item.id, format_timestamp(*item.expires_at)),
                          "Expired items never change again.");
    }
    return ok();
}

}  // namespace workitem::core
