#include <algorithm>
#include <vector>

#include "workitem/core/assignment.hpp"
#include "workitem/core/decide.hpp"

#include "transition/call.hpp"

#include "creation/distribution_facts.hpp"
#include "policy/caller.hpp"
#include "runtime/boundary.hpp"
#include "runtime/settings.hpp"

namespace workitem::pg {

core::Actor to_actor(const TransitionCall& call, const TextList& groups) {
    core::Actor actor;
    actor.id = call.actor ? call.actor : "";
    for (int i = 0; i < groups.count; ++i) actor.groups.emplace_back(groups.items[i]);
    actor.acts_as_service = call.caller_is_service;
    actor.is_tenant_admin = call.caller_is_admin;
    return actor;
}

const char* admit_caller(TransitionCall& call, bool writes) {
    const Caller caller = current_caller();
    if (writes && !caller.may_write) {
        raise(core::ErrorCode::not_authorized,
              psprintf("role %s may only read work items (capability %s)", caller.role_name,
                       caller.capability),
              nullptr,
              "Grant it workitem_user, workitem_admin or workitem_service (a service acting on "
              "behalf of a reader writes nothing).");
    }
    if (call.actor == nullptr) raise(core::ErrorCode::invalid_input, "actor is required");
    call.actor = actor_for(caller, call.actor);
    call.caller_is_service = caller.is_service;
    call.caller_is_admin = caller.is_admin;
    call.caller_may_write = caller.may_write;
    call.capability = caller.capability;
    return caller.tenant;
}

void raise_not_found(int64 item_id, const char* tenant) {
    raise(core::ErrorCode::not_found, psprintf("item %ld not found", item_id),
          psprintf("tenant %s", tenant), "Check the id and the workitem.tenant setting.");
}

core::Command to_command(const TransitionCall& call) {
    core::Command command;
    command.op = call.operation;
    if (call.has_expected_version) command.expected_version = call.expected_version;
    if (call.to_user) command.to_user = call.to_user;
    command.override_owner = call.override_owner;
    if (call.has_lease_seconds) command.lease_seconds = call.lease_seconds;
    if (call.has_until) command.until = to_core_time(call.until);
    if (call.reason) command.reason = call.reason;
    if (call.assignment_text) command.assignment = call.assignment_text;
    if (call.has_expires_at) command.expires_at = to_core_time(call.expires_at);
    if (call.has_due_at) command.due_at = to_core_time(call.due_at);
    if (call.has_follow_up_at) command.follow_up_at = to_core_time(call.follow_up_at);
    if (call.deadlines_text) command.deadlines = call.deadlines_text;
    std::size_t largest = 0;
    if (call.body) largest = VARSIZE(call.body);
    if (call.input) largest = std::max<std::size_t>(largest, VARSIZE(call.input));
    if (largest > 0) command.payload_bytes = largest;
    return command;
}

void validate_call(const TransitionCall& call, core::Timestamp now) {
    const core::Limits limits = current_limits();
    // A new assignment may name a registered custom strategy.
    const char* strategy = call.body && call.assignment_text ? strategy_of(call.body) : "offer";
    const char* custom_strategy = is_registered_custom_strategy(strategy) ? strategy : nullptr;
    cpp_boundary([&]() -> core::Status {
        const core::Command command = to_command(call);
        auto status =
            core::validate_input(command, to_actor(call, TextList{0, nullptr}), limits, now);
        if (!status || call.assignment_text == nullptr) return status;
        std::vector<std::string_view> custom;
        if (custom_strategy) custom.emplace_back(custom_strategy);
        auto spec = core::parse_assignment(call.assignment_text, limits, custom);
        if (!spec) return spec.error();
        return core::ok();
    });
}

}  // namespace workitem::pg
