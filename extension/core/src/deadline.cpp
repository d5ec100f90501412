#include "workitem/core/deadline.hpp"

#include <array>
#include <cmath>
#include <ctime>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "workitem/core/assignment.hpp"
#include "workitem/core/decide.hpp"
#include "workitem/core/labels.hpp"

namespace workitem::core {

namespace {
using json = nlohmann::json;

constexpr std::array<std::string_view, 5> action_names{"escalate", "reoffer", "allocate_admin",
                                                       "notify", "expire"};

Error invalid(std::size_t index, std::string_view field, std::string_view why) {
    const std::string subject = field.empty() ? fmt::format("entry {}", index + 1)
                                              : fmt::format("entry {} {}", index + 1, field);
    return Error{ErrorCode::invalid_input, fmt::format("invalid deadlines: {} {}", subject, why),
                 "", "See the deadline list in the SQL reference (COMMENT ON workitem_create)."};
}

Error invalid_list(std::string_view why) {
    return Error{ErrorCode::invalid_input, fmt::format("invalid deadlines: {}", why), "",
                 "Pass a JSON array of {\"at\" or \"after\", \"action\", ...} objects."};
}

// The keys an entry may have besides at/after, action and message.
bool allowed_for(DeadlineAction action, std::string_view key) {
    switch (action) {
        case DeadlineAction::escalate:
            return key == "raise_priority";
        case DeadlineAction::reoffer:
            return key == "to";
        case DeadlineAction::allocate_admin:
            return key == "to_user";
        case DeadlineAction::notify:
        case DeadlineAction::expire:
            return false;
    }
    return false;
}

Status check_parameters(std::size_t index, DeadlineAction action, const json& entry,
                        const Limits& limits) {
    for (const auto& [key, value] : entry.items()) {
        if (key == "at" || key == "after" || key == "action") continue;
        if (key == "message") {
            if (!value.is_string()) return invalid(index, key, "must be a string");
            if (value.get_ref<const std::string&>().size() > limits.max_name_length) {
                return invalid(index, key,
                               fmt::format("is longer than {} bytes", limits.max_name_length));
            }
        } else if (!allowed_for(action, key)) {
            return invalid(index, key,
                           fmt::format("is not a parameter of the {} action", to_string(action)));
        }
    }
    if (action == DeadlineAction::escalate && entry.contains("raise_priority")) {
        const json& raise = entry["raise_priority"];
        if (!raise.is_number_integer() || raise.get<std::int64_t>() < 0 ||
            raise.get<std::int64_t>() > 1'000'000) {
            return invalid(index, "raise_priority", "must be an integer between 0 and 1000000");
        }
    }
    if (action == DeadlineAction::reoffer) {
        if (!entry.contains("to")) return invalid(index, "to", "is required for reoffer");
        // The new potential owners, checked exactly as an assignment's are.
        json patch = json::object();
        patch["potential_owners"] = entry["to"];
        auto spec = parse_assignment(patch.dump(), limits);
        if (!spec) return invalid(index, "to", spec.error().message);
        if (spec->potential_owners.users.empty() && spec->potential_owners.groups.empty()) {
            return invalid(index, "to", "must name at least one user or group");
        }
    }
    if (action == DeadlineAction::allocate_admin && entry.contains("to_user")) {
        const json& to_user = entry["to_user"];
        if (!to_user.is_string() || to_user.get_ref<const std::string&>().empty() ||
            to_user.get_ref<const std::string&>().size() > limits.max_name_length) {
            return invalid(index, "to_user", "must be a user id");
        }
        if (to_user.get_ref<const std::string&>() == system_actor) {
            return invalid(index, "to_user", "must not be 'system', which is reserved");
        }
    }
    return ok();
}

Result<DeadlineWhen> read_when(std::size_t index, const json& entry) {
    const bool has_at = entry.contains("at");
    const bool has_after = entry.contains("after");
    if (has_at == has_after) return invalid(index, "", "needs exactly one of \"at\" and \"after\"");
    DeadlineWhen when;
    if (has_at) {
        const json& at = entry["at"];
        if (!at.is_string() || at.get_ref<const std::string&>().empty()) {
            return invalid(index, "at", "must be a timestamp string");
        }
        when.at = at.get<std::string>();
        return when;
    }
    const json& after = entry["after"];
    if (after.is_number()) {
        const double seconds = after.get<double>();
        if (!std::isfinite(seconds) || seconds < 0 || seconds > 100.0 * 366 * 24 * 3600) {
            return invalid(index, "after", "must be a number of seconds from 0 to 100 years");
        }
        when.after_seconds = seconds;
    } else if (after.is_string() && !after.get_ref<const std::string&>().empty()) {
        when.after = after.get<std::string>();
    } else {
        return invalid(index, "after", "must be an interval string or a number of seconds");
    }
    return when;
}

}  // namespace

std::string_view to_string(DeadlineAction action) {
    return label_of(action_names, action);
}

std::optional<DeadlineAction> parse_deadline_action(std::string_view name) {
    return enum_of<DeadlineAction>(action_names, name);
}

Result<std::vector<DeadlineWhen>> read_deadlines(std::string_view text, const Limits& limits) {
    if (nests_deeper_than(text, limits.max_json_depth)) {
        return invalid_list(fmt::format("nests deeper than {} levels", limits.max_json_depth));
    }
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return invalid_list("not valid JSON");
    if (!document.is_array()) return invalid_list("must be a JSON array");
    if (document.size() > max_deadlines) {
        return invalid_list(fmt::format("more than {} entries", max_deadlines));
    }
    std::vector<DeadlineWhen> times;
    for (std::size_t index = 0; index < document.size(); ++index) {
        const json& entry = document[index];
        if (!entry.is_object()) return invalid(index, "", "must be an object");
        if (!entry.contains("action") || !entry["action"].is_string()) {
            return invalid(index, "action",
                           "is required: escalate, reoffer, allocate_admin, notify or expire");
        }
        const auto action = parse_deadline_action(entry["action"].get_ref<const std::string&>());
        if (!action) {
            return invalid(index, "action",
                           "must be escalate, reoffer, allocate_admin, notify or expire");
        }
        auto when = read_when(index, entry);
        if (!when) return when.error();
        if (auto s = check_parameters(index, *action, entry, limits); !s) return s.error();
        times.push_back(std::move(when.value()));
    }
    return times;
}

std::string format_stored_time(Timestamp t) {
    return format_timestamp_micros(t);
}

Result<std::string> stored_deadlines(std::string_view text, std::span<const Timestamp> at) {
    json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded() || !document.is_array() || document.size() != at.size()) {
        return invalid_list("must be read with read_deadlines first");
    }
    for (std::size_t index = 0; index < document.size(); ++index) {
        json& entry = document[index];
        entry.erase("after");
        entry["at"] = format_stored_time(at[index]);
    }
    return document.dump();
}

Result<DeadlineStep> take_deadline(std::string_view stored, std::size_t index, Timestamp now) {
    // A list stored before depth was bounded must not reach the recursive copies below either.
    if (nests_deeper_than(stored, Limits{}.max_json_depth)) {
        return invalid_list(
            fmt::format("the stored list nests deeper than {} levels", Limits{}.max_json_depth));
    }
    json document = json::parse(stored, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded() || !document.is_array() || index >= document.size() ||
        !document[index].is_object()) {
        return invalid_list(fmt::format("entry {} is not in the stored list", index + 1));
    }
    json& entry = document[index];
    const auto action = entry.contains("action") && entry["action"].is_string()
                            ? parse_deadline_action(entry["action"].get_ref<const std::string&>())
                            : std::nullopt;
    if (!action) return invalid(index, "action", "is not a known action");

    DeadlineStep step;
    step.index = index;
    step.action = *action;
    if (entry.contains("raise_priority") && entry["raise_priority"].is_number_integer()) {
        step.raise_priority = entry["raise_priority"].get<std::int32_t>();
    }
    if (*action == DeadlineAction::reoffer) {
        json patch = json::object();
        patch["potential_owners"] = entry.value("to", json::object());
        step.reoffer_assignment = patch.dump();
    }
    if (entry.contains("to_user") && entry["to_user"].is_string()) {
        step.to_user = entry["to_user"].get<std::string>();
    }
    step.reason = fmt::format("deadline {} ({})", index + 1, to_string(*action));
    if (entry.contains("message") && entry["message"].is_string()) {
        step.reason += ": " + entry["message"].get<std::string>();
    }
    entry["fired_at"] = format_stored_time(now);
    step.fired_list = document.dump();
    return step;
}

Status authorize_deadlines(std::string_view text, const People& people, const Actor& actor,
                           std::int64_t item_id) {
    const bool administers = actor.acts_as_service || actor.is_tenant_admin || actor.is_system ||
                             names(people.administrators, actor);
    if (administers || nests_deeper_than(text, Limits{}.max_json_depth)) return ok();
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!document.is_array()) return ok();  // read_deadlines refuses it
    for (std::size_t index = 0; index < document.size(); ++index) {
        const json& entry = document[index];
        if (!entry.is_object() || !entry.contains("action") || !entry["action"].is_string()) {
            continue;
        }
        const auto action = parse_deadline_action(entry["action"].get_ref<const std::string&>());
        if (action != DeadlineAction::reoffer && action != DeadlineAction::allocate_admin) {
            continue;
        }
        const std::string item = item_id == 0 ? "the new item" : fmt::format("item {}", item_id);
        return Error{ErrorCode::not_authorized,
                     fmt::format("{} may not set deadline {} ({}) on {}: only an administrator "
                                 "of the item or a service may",
                                 actor.id, index + 1, to_string(*action), item),
                     "",
                     "A deadline's action is done by the timer for whoever set it: reoffer "
                     "and allocate_admin are an administrator's operations."};
    }
    return ok();
}

Actor timer_actor() {
    Actor actor;
    actor.id = system_actor;
    actor.is_system = true;
    return actor;
}

Result<DeadlineDecision> decide_deadline(const DeadlineStep& step, const Item& item,
                                         std::int32_t priority,
                                         std::optional<std::string_view> admin,
                                         const ConstraintFacts& facts, Timestamp now) {
    Command command;
    DeadlineDecision decision;
    switch (step.action) {
        case DeadlineAction::escalate:
        case DeadlineAction::notify:
            command.op = Operation::escalate;
            break;
        case DeadlineAction::reoffer:
            command.op = Operation::forward;
            command.assignment = step.reoffer_assignment;
            break;
        case DeadlineAction::allocate_admin:
            if (!admin) {
                return Error{ErrorCode::constraint_violated,
                             fmt::format("cannot allocate item {} to an administrator: it has "
                                         "none in the directory",
                                         item.id),
                             describe(item),
                             "Name administrators in the assignment, or to_user in the "
                             "deadline."};
            }
            command.op = Operation::allocate;
            command.to_user = *admin;
            command.override_owner = true;  // it goes to the administrator whoever holds it
            break;
        case DeadlineAction::expire:
            command.op = Operation::expire;
            decision.recorded_as = Operation::expire;
            break;
    }
    if (auto s = validate_input(command, timer_actor(), Limits{}, now); !s) return s.error();
    auto change = decide(command, item, timer_actor(), facts, now);
    if (!change) return change.error();
    decision.change = change.value();
    decision.change.escalation_level = item.escalation_level + 1;
    if (step.action == DeadlineAction::escalate && step.raise_priority > 0) {
        const std::int64_t raised = std::int64_t{priority} + step.raise_priority;
        decision.priority = static_cast<std::int32_t>(
            std::min<std::int64_t>(raised, std::numeric_limits<std::int32_t>::max()));
        decision.change.writes_attributes = true;
    }
    return decision;
}

}  // namespace workitem::core
